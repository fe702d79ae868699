"""The raw-SQL floor of `make bench` (issue 13): the minimal statements of placing and of cancelling an order,
sent by psycopg with nothing around them. bench/orders.py runs them from its load generator (the floor) and
bench/bare_app.py behind a bare Flask endpoint (the ceiling: what any Flask app doing only these statements
could reach)."""
from __future__ import annotations

import uuid


def CREATE(conn, item) -> None:
    """The minimal statements of placing a one-line order: stock, order, line, ledger, event."""
    shopper_id, sku_id = item
    conn.execute("UPDATE skus SET stock = stock - 1 WHERE id = %s AND stock >= 1", (sku_id,))
    order_id = conn.execute(
        """INSERT INTO orders (order_no, shopper_id, status, refund_status, goods_fen, discount_fen, shipping_fen,
           total_fen, paid_fen, refunded_fen, receiver_name, receiver_phone, province, city, district, address_detail,
           remark, version, created_at, updated_at, pay_deadline)
           VALUES (%s, %s, 'pending_payment', 'none', 2900, 0, 800, 3700, 0, 0, '张三', '13800138000', '广东省',
           '深圳市', '南山区', '科技园路 1 号', '', 1, now(), now(), now() + interval '30 minutes') RETURNING id""",
        ("F" + uuid.uuid4().hex[:19], shopper_id)).fetchone()[0]
    line_id = conn.execute(
        """INSERT INTO order_lines (order_id, sku_id, product_id, product_name, sku_name, image, unit_price_fen,
           quantity, goods_fen, discount_fen, refunded_quantity, refunded_fen)
           SELECT %s, id, product_id, '商品', name, '', 2900, 1, 2900, 0, 0, 0 FROM skus WHERE id = %s RETURNING id""",
        (order_id, sku_id)).fetchone()[0]
    conn.execute("""INSERT INTO stock_ledger (sku_id, change, kind, order_id, order_line_id, note, created_at)
                    VALUES (%s, -1, 'reserve', %s, %s, '', now())""", (sku_id, order_id, line_id))
    conn.execute("""INSERT INTO order_events (order_id, kind, actor_type, actor_name, actor_role, actor_ip, reason,
                    data, visible_to_shopper, to_status, created_at)
                    VALUES (%s, 'placed', 'shopper', '', 'shopper', '', '', '{}', true, 'pending_payment', now())""",
                 (order_id,))


def CANCEL(conn, item) -> None:
    """The minimal statements of cancelling an unpaid order: order, event, ledger, stock."""
    order_id, line_id, sku_id, quantity = item
    conn.execute("""UPDATE orders SET status = 'cancelled', cancelled_at = now(), version = version + 1
                    WHERE id = %s AND status = 'pending_payment'""", (order_id,))
    conn.execute("""INSERT INTO order_events (order_id, kind, actor_type, actor_name, actor_role, actor_ip, reason,
                    data, visible_to_shopper, from_status, to_status, created_at)
                    VALUES (%s, 'cancelled', 'shopper', '', 'shopper', '', '', '{}', true, 'pending_payment',
                    'cancelled', now())""", (order_id,))
    conn.execute("""INSERT INTO stock_ledger (sku_id, change, kind, order_id, order_line_id, guard, note, created_at)
                    VALUES (%s, %s, 'release', %s, %s, %s, '', now())""",
                 (sku_id, quantity, order_id, line_id, f"release:{line_id}"))
    conn.execute("UPDATE skus SET stock = stock + %s WHERE id = %s", (quantity, sku_id))
