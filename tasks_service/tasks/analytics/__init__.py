"""Shopper-activity analytics: daily aggregates in MongoDB, and reads of catalog's search log."""
