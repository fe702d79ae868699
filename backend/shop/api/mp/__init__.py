"""Mini-program API under /api/mp (SPEC §5)."""


def blueprints():
    from . import account, catalog, messages, orders, requests, after_sales
    return [account.blp, catalog.blp, orders.blp, requests.blp, messages.blp, after_sales.blp]
