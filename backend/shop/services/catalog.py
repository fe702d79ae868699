"""Products and SKUs (O2)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..db import Category, Product
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db


def list_products(category_id: int | None = None, q: str | None = None, page: int = 1, per_page: int = 20):
    query = select(Product).where(Product.on_sale.is_(True))
    if category_id:
        query = query.where(Product.category_id == category_id)
    if q:
        query = query.where(Product.name.contains(q.strip()))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.options(selectinload(Product.skus), selectinload(Product.category))
                               .order_by(Product.id).limit(per_page).offset((page - 1) * per_page)).all()
    return items, total


def get_product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or not product.on_sale:
        raise DomainError(ErrorCode.PRODUCT_NOT_FOUND)
    return product


def list_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.sort, Category.id)))
