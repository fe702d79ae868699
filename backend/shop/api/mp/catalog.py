from marshmallow import fields

from ...services import catalog
from ..blueprint import Blueprint
from ..ids import id_field
from ..schemas import CategorySchema, PageArgsSchema, ProductPageSchema, ProductSchema

blp = Blueprint("mp_catalog", __name__, url_prefix="/api/mp", description="小程序：商品目录（O2）")


class ProductArgsSchema(PageArgsSchema):
    category_id = id_field(query=True, load_default=None)
    q = fields.String(load_default=None)


def _product_json(product) -> dict:
    return {"id": product.id, "name": product.name, "description": product.description, "image": product.image,
            "category": product.category, "skus": product.skus,
            "min_price_fen": min((s.price_fen for s in product.skus), default=0)}


@blp.get("/categories")
@blp.response(200, CategorySchema(many=True))
def categories():
    return catalog.list_categories()


@blp.get("/products")
@blp.arguments(ProductArgsSchema, location="query")
@blp.response(200, ProductPageSchema)
def products(args):
    items, total = catalog.list_products(args["category_id"], args["q"], args["page"], args["per_page"])
    return {"items": [_product_json(p) for p in items], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@blp.get("/products/<int:product_id>")
@blp.response(200, ProductSchema)
def product(product_id):
    return _product_json(catalog.get_product(product_id))
