"""Mini-program API under /api/mp (SPEC §5)."""


def blueprints():
    from . import invoices
    from . import balance, words
    from . import account, after_sales, catalog, coupons, messages, orders, requests, uploads
    return [account.blp, catalog.blp, coupons.blp, orders.blp, requests.blp, messages.blp, after_sales.blp,
            uploads.blp, invoices.blp, balance.blp, words.blp]
