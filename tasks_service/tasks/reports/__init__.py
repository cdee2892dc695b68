"""Merchandiser reports (sales, low stock, search analytics) and the read models that feed them."""
