"""Demo data for sandbox mode: a small shop with ~30 products, coupons and the demo staff (SPEC §7)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..db import Category, Coupon, Product, Sku, Staff, StockLedger
from ..domain import clock
from ..extensions import db
from ..services.staff_accounts import create_staff

DEMO_PASSWORD = "demo1234"
DEMO_STAFF = [
    ("admin", "系统管理员", "admin"),
    ("supervisor", "王主管", "supervisor"),
    ("service", "李客服", "customer_service"),
    ("finance", "赵财务", "finance"),
    ("warehouse", "陈仓管", "warehouse"),
]

CATALOGUE = {
    "数码配件": [("快充数据线", [("1米", 2900), ("2米", 3900)]), ("无线充电板", [("标准版", 9900)]),
              ("蓝牙耳机", [("白色", 19900), ("黑色", 19900)]), ("手机支架", [("桌面款", 3500)]),
              ("移动电源", [("10000mAh", 12900), ("20000mAh", 16900)])],
    "居家日用": [("纯棉毛巾", [("三条装", 3990)]), ("保温杯", [("350ml", 8900), ("500ml", 9900)]),
              ("收纳箱", [("大号", 4500), ("小号", 2900)]), ("香薰蜡烛", [("雪松", 5900)])],
    "食品饮料": [("坚果礼盒", [("750g", 12800)]), ("挂耳咖啡", [("20袋", 6900)]), ("手工饼干", [("原味", 2500)]),
              ("云南普洱", [("357g", 29800)]), ("冻干水果", [("混合装", 3900)])],
    "服饰鞋包": [("纯棉T恤", [("M", 7900), ("L", 7900), ("XL", 7900)]), ("帆布包", [("米色", 4900)]),
              ("运动袜", [("五双装", 3900)]), ("羊毛围巾", [("灰色", 15900)]), ("棒球帽", [("黑色", 5900)])],
    "美妆个护": [("洗面奶", [("120g", 6900)]), ("护手霜", [("三支装", 4900)]), ("防晒霜", [("50ml", 12900)]),
              ("牙刷", [("四支装", 2990)]), ("洗发水", [("500ml", 5900)])],
    "图书文具": [("笔记本", [("A5", 1900)]), ("中性笔", [("十支装", 1500)]), ("《三体》全集", [("套装", 16800)]),
              ("台历", [("2027", 3900)]), ("钢笔", [("礼盒装", 19900)])],
}


def seed_demo() -> str:
    """Idempotent: running it twice changes nothing the second time."""
    created = []
    if not db.session.scalar(select(Product.id).limit(1)):
        now = clock.now()
        for sort, (category_name, products) in enumerate(CATALOGUE.items()):
            category = Category(name=category_name, sort=sort)
            db.session.add(category)
            db.session.flush()
            for name, skus in products:
                product = Product(category_id=category.id, name=name, description=f"{name}，精选好物。",
                                  image=f"/static/products/{category.id}.png", created_at=now)
                db.session.add(product)
                db.session.flush()
                for spec, price in skus:
                    sku = Sku(product_id=product.id, code=f"SKU{product.id:03d}{len(product.skus) + 1:02d}",
                              name=spec, price_fen=price, stock=100)
                    product.skus.append(sku)
                    db.session.flush()
                    db.session.add(StockLedger(sku_id=sku.id, change=100, kind="initial", note="初始库存",
                                               created_at=now))
        db.session.add_all([
            Coupon(name="满99减10", threshold_fen=9900, discount_fen=1000, valid_from=now - timedelta(days=1),
                   valid_until=now + timedelta(days=365)),
            Coupon(name="新人无门槛5元", threshold_fen=0, discount_fen=500, valid_from=now - timedelta(days=1),
                   valid_until=now + timedelta(days=365)),
        ])
        db.session.commit()
        created.append("catalogue")
    for username, name, role in DEMO_STAFF:
        if not db.session.scalar(select(Staff.id).where(Staff.username == username)):
            create_staff(username=username, name=name, role=role, password=DEMO_PASSWORD)
            created.append(username)
    return "seeded: " + (", ".join(created) if created else "nothing new")
