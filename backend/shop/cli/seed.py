"""Demo data for sandbox mode: a small shop with ~30 products, coupons and the demo staff (SPEC §7)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

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
        category_ids = {}
        for sort, (category_name, products) in enumerate(CATALOGUE.items()):
            category = Category(name=category_name, sort=sort)
            db.session.add(category)
            db.session.flush()
            category_ids[category_name] = category.id
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
            # Published to 领券 (O7): a percentage with a cap, and amount off for one category.
            Coupon(name="全场9折券", kind="percent", percent_off=10, max_discount_fen=3000, threshold_fen=5000,
                   discount_fen=0, valid_days=30, per_shopper_limit=1, total_count=1000, claimable=True,
                   description="满50元打9折，最高减30元；领取后30天内有效", created_at=now),
            Coupon(name="食品饮料满100减15", threshold_fen=10000, discount_fen=1500, valid_from=now - timedelta(days=1),
                   valid_until=now + timedelta(days=90), per_shopper_limit=2, total_count=500, claimable=True,
                   scope="categories", scope_ids=[category_ids["食品饮料"]], description="仅限食品饮料类商品",
                   created_at=now),
        ])
        db.session.commit()
        created.append("catalogue")
    for username, name, role in DEMO_STAFF:
        if not db.session.scalar(select(Staff.id).where(Staff.username == username)):
            create_staff(username=username, name=name, role=role, password=DEMO_PASSWORD)
            created.append(username)
    return "seeded: " + (", ".join(created) if created else "nothing new")


DEMO_SHOPPER_OPENID = "sandbox-demo"  # the sandbox's openid for wx.login code "demo"


def seed_demo_shopper() -> str:
    """The demo shopper (演示顾客) with one coupon in the wallet (O7). Idempotent."""
    from ..db import Shopper, ShopperCoupon
    if db.session.scalar(select(Shopper.id).where(Shopper.openid == DEMO_SHOPPER_OPENID)):
        return "demo shopper: nothing new"
    shopper = Shopper(openid=DEMO_SHOPPER_OPENID, nickname="演示顾客", created_at=clock.now())
    db.session.add(shopper)
    db.session.flush()
    coupon_id = db.session.scalar(select(Coupon.id).where(Coupon.name == "满99减10"))
    db.session.add(ShopperCoupon(shopper_id=shopper.id, coupon_id=coupon_id, source="grant", created_at=clock.now()))
    db.session.execute(update(Coupon).where(Coupon.id == coupon_id).values(issued_count=Coupon.issued_count + 1))
    db.session.commit()
    return "demo shopper: 演示顾客 with 满99减10"
