"""The staff group names: part of the token contract (the ``groups`` claim) and of every service's admin."""

MERCHANDISER_GROUP = "Merchandiser"  # catalog, stock and reports
CUSTOMER_SUPPORT_GROUP = "Customer support"  # orders: view, cancel, refund
STAFF_GROUPS = (MERCHANDISER_GROUP, CUSTOMER_SUPPORT_GROUP)
