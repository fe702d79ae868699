"""Mini-program API under /api/mp (SPEC §5)."""


def blueprints():
    from . import account, after_sales, catalog, orders
    return [account.blp, catalog.blp, orders.blp, after_sales.blp]
