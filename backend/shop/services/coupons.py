"""Coupons (O7): staff keep templates, issue them or publish them to claim; shoppers claim (领券) and keep
them in 我的优惠券; checkout lists which ones fit. The rules are in domain/coupons.py."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from ..db import Category, Coupon, Product, Shopper, ShopperCoupon
from ..domain import clock, coupons as rules
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.pricing import LineInput, coupon_lines
from ..extensions import db
from . import audit
from .uow import transaction

TEMPLATE_FIELDS = ("name", "description", "kind", "discount_fen", "percent_off", "max_discount_fen", "threshold_fen",
                   "valid_from", "valid_until", "valid_days", "per_shopper_limit", "total_count", "scope",
                   "scope_ids", "returnable")


def terms_of(coupon: Coupon, received_at: datetime | None = None) -> rules.CouponTerms:
    return rules.CouponTerms(
        threshold_fen=coupon.threshold_fen, discount_fen=coupon.discount_fen, valid_from=coupon.valid_from,
        valid_until=coupon.valid_until, kind=coupon.kind or "amount", percent_off=coupon.percent_off or 0,
        max_discount_fen=coupon.max_discount_fen, scope=coupon.scope or "all",
        scope_ids=frozenset(coupon.scope_ids or ()), valid_days=coupon.valid_days, received_at=received_at)


def wallet_terms(mine: ShopperCoupon) -> rules.CouponTerms:
    return terms_of(mine.coupon, mine.created_at)


def _template_expired(coupon: Coupon, now: datetime) -> bool:
    return coupon.valid_until is not None and coupon.valid_until < now


# ---- staff: templates ------------------------------------------------------------------------


def template_json(coupon: Coupon, now: datetime | None = None) -> dict:
    now = now or clock.now()
    body = {name: getattr(coupon, name) for name in TEMPLATE_FIELDS}
    body["scope_ids"] = list(coupon.scope_ids or [])
    expired = _template_expired(coupon, now)
    body.update(
        id=coupon.id, issued_count=coupon.issued_count, status=coupon.status, claimable=coupon.claimable,
        created_at=coupon.created_at, expired=expired, rule_text=rules.describe(terms_of(coupon)),
        kind_label=rules.KIND_LABELS.get(coupon.kind, coupon.kind),
        scope_label=rules.SCOPE_LABELS.get(coupon.scope, coupon.scope),
        status_label="已过期" if expired and coupon.status == "active" else rules.STATUS_LABELS[coupon.status],
        actions=rules.template_actions(coupon.status, coupon.claimable, expired))
    return body


def list_templates(status: str | None, page: int, per_page: int) -> tuple[list[dict], int]:
    query = select(Coupon)
    if status:
        query = query.where(Coupon.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Coupon.id.desc()).offset((page - 1) * per_page).limit(per_page))
    now = clock.now()
    return [template_json(c, now) for c in rows], total


def get_template(coupon_id: int) -> Coupon:
    coupon = db.session.get(Coupon, coupon_id)
    if coupon is None:
        raise DomainError(ErrorCode.COUPON_NOT_FOUND)
    return coupon


def _check(values: dict) -> None:
    if values["kind"] == "amount":
        values["percent_off"], values["max_discount_fen"] = 0, None
    else:
        values["discount_fen"] = 0
    if values["scope"] == "all":
        values["scope_ids"] = []
    problems = rules.template_problems(values, clock.now())
    if not problems and values["scope"] != "all":
        problems = _unknown_scope_ids(values["scope"], values["scope_ids"])
    if problems:
        raise DomainError(ErrorCode.VALIDATION_ERROR, next(iter(problems.values())), problems)


def _unknown_scope_ids(scope: str, ids: list[int]) -> dict:
    model = Category if scope == "categories" else Product
    found = set(db.session.scalars(select(model.id).where(model.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    return {"scope_ids": f"找不到编号为 {', '.join(map(str, missing))} 的{'分类' if scope == 'categories' else '商品'}"} \
        if missing else {}


def create_template(values: dict, actor: Actor) -> Coupon:
    values = {**values, "issued_count": 0}
    _check(values)
    with transaction(expire_on_commit=False):
        coupon = Coupon(**{name: values.get(name) for name in TEMPLATE_FIELDS if name in values},
                        status="active", claimable=bool(values.get("claimable")), issued_count=0,
                        created_at=clock.now())
        db.session.add(coupon)
        db.session.flush()
        audit.record(actor, "coupon.create", "coupon", coupon.id, None, snapshot(coupon.id), commit=False)
    return coupon


def update_template(coupon_id: int, changes: dict) -> Coupon:
    with transaction(expire_on_commit=False):
        coupon = get_template(coupon_id)
        if coupon.status != "active":
            raise DomainError(ErrorCode.COUPON_NOT_GRANTABLE, "已停用的优惠券不能修改")
        current = template_json(coupon)
        changes = {name: value for name, value in changes.items() if name in TEMPLATE_FIELDS}
        rules.ensure_editable(current, changes, coupon.issued_count)
        values = {**{name: current[name] for name in TEMPLATE_FIELDS}, **changes,
                  "issued_count": coupon.issued_count}
        _check(values)
        for name in TEMPLATE_FIELDS:
            setattr(coupon, name, values.get(name))
    return coupon


def set_claimable(coupon_id: int, claimable: bool) -> Coupon:
    with transaction(expire_on_commit=False):
        coupon = get_template(coupon_id)
        action = "unpublish" if coupon.claimable else "publish"
        if (action == "publish") != claimable or action not in rules.template_actions(
                coupon.status, coupon.claimable, _template_expired(coupon, clock.now())):
            raise DomainError(ErrorCode.COUPON_NOT_GRANTABLE, "该优惠券当前不能" + rules.TEMPLATE_ACTION_LABELS[
                "publish" if claimable else "unpublish"])
        coupon.claimable = claimable
    return coupon


def stop_template(coupon_id: int) -> Coupon:
    """No more issuing or claiming; coupons already in wallets stay usable until they expire."""
    with transaction(expire_on_commit=False):
        coupon = get_template(coupon_id)
        if coupon.status != "active":
            raise DomainError(ErrorCode.COUPON_NOT_GRANTABLE, "优惠券已停用")
        coupon.status, coupon.claimable = "stopped", False
    return coupon


def snapshot(coupon_id: int) -> dict | None:
    """Before/after for the audit log."""
    coupon = db.session.get(Coupon, coupon_id)
    return None if coupon is None else {
        **{name: getattr(coupon, name) for name in TEMPLATE_FIELDS}, "status": coupon.status,
        "claimable": coupon.claimable, "issued_count": coupon.issued_count}


# ---- giving coupons out ------------------------------------------------------------------------


def _held(shopper_id: int, coupon_id: int) -> int:
    return db.session.scalar(select(func.count(ShopperCoupon.id)).where(
        ShopperCoupon.shopper_id == shopper_id, ShopperCoupon.coupon_id == coupon_id))


def _grant(shopper_id: int, coupon: Coupon, source: str) -> ShopperCoupon:
    """One coupon into the wallet. The counter is raised by a guarded UPDATE, so the total is never exceeded
    however many claims race."""
    counted = db.session.execute(
        update(Coupon).where(Coupon.id == coupon.id, Coupon.status == "active",
                             or_(Coupon.total_count.is_(None), Coupon.issued_count < Coupon.total_count))
        .values(issued_count=Coupon.issued_count + 1).execution_options(synchronize_session=False)).rowcount
    if counted != 1:
        raise DomainError(ErrorCode.COUPON_NOT_GRANTABLE, "优惠券已领完")
    mine = ShopperCoupon(shopper_id=shopper_id, coupon_id=coupon.id, source=source, created_at=clock.now())
    db.session.add(mine)
    db.session.flush()
    return mine


def grant_compensation(shopper_id: int, coupon: Coupon) -> ShopperCoupon:
    """A compensation coupon (补偿券, R3) staff give with a refund, inside the caller's transaction: counted
    against the template's total like every other coupon; a stopped or expired template cannot be given. The
    per-shopper limit is for claims, not for amends, so it does not apply."""
    ensure_compensation_grantable(coupon)
    return _grant(shopper_id, coupon, "compensation")


def ensure_compensation_grantable(coupon: Coupon) -> None:
    refusal = rules.issue_refusal(coupon.status, _template_expired(coupon, clock.now()), 0, 1)
    if refusal:
        raise DomainError(ErrorCode.COUPON_NOT_GRANTABLE, f"{refusal}，不能作为补偿发放")


def _lock_shopper(shopper_id: int) -> Shopper | None:
    """Claims and issues for one shopper go one at a time (the per-shopper limit is counted then)."""
    return db.session.scalar(select(Shopper).where(Shopper.id == shopper_id).with_for_update())


def issue(coupon_id: int, shopper_ids: list[int], openids: list[str]) -> dict:
    """Staff give a template to shoppers (by id or openid). Each shopper in their own transaction: one who
    cannot receive it (limit reached, unknown) is listed with the reason and does not stop the others."""
    by_openid = dict(db.session.execute(select(Shopper.openid, Shopper.id).where(Shopper.openid.in_(openids))).all()) \
        if openids else {}
    targets: list[tuple[str, int | None]] = [(str(i), i) for i in shopper_ids] + \
        [(o, by_openid.get(o)) for o in openids]
    issued, skipped, seen = [], [], set()
    for label, shopper_id in targets:
        if shopper_id in seen:
            continue
        seen.add(shopper_id)
        try:
            with transaction():
                coupon = get_template(coupon_id)
                if shopper_id is None or _lock_shopper(shopper_id) is None:
                    raise DomainError(ErrorCode.SHOPPER_NOT_FOUND, "找不到该顾客")
                refusal = rules.issue_refusal(coupon.status, _template_expired(coupon, clock.now()),
                                              _held(shopper_id, coupon.id), coupon.per_shopper_limit)
                if refusal:
                    raise DomainError(ErrorCode.COUPON_NOT_GRANTABLE, refusal)
                _grant(shopper_id, coupon, "grant")
            issued.append(shopper_id)
        except DomainError as exc:
            skipped.append({"shopper": label, "reason": exc.message})
    return {"issued": len(issued), "shopper_ids": issued, "skipped": skipped}


# ---- shoppers: 领券 and 我的优惠券 ------------------------------------------------------------------


def claimable(shopper_id: int) -> list[dict]:
    now = clock.now()
    templates = list(db.session.scalars(select(Coupon).where(
        Coupon.status == "active", Coupon.claimable.is_(True),
        or_(Coupon.valid_until.is_(None), Coupon.valid_until >= now)).order_by(Coupon.id)))
    held = dict(db.session.execute(
        select(ShopperCoupon.coupon_id, func.count(ShopperCoupon.id))
        .where(ShopperCoupon.shopper_id == shopper_id, ShopperCoupon.coupon_id.in_([c.id for c in templates]))
        .group_by(ShopperCoupon.coupon_id)).all()) if templates else {}
    result = []
    for c in templates:
        refusal = rules.claim_refusal(c.status, c.claimable, c.issued_count, c.total_count, held.get(c.id, 0),
                                      c.per_shopper_limit, False)
        result.append({
            "id": c.id, "name": c.name, "description": c.description, "rule_text": rules.describe(terms_of(c)),
            "kind": c.kind, "discount_fen": c.discount_fen, "percent_off": c.percent_off,
            "threshold_fen": c.threshold_fen, "valid_until": c.valid_until, "valid_days": c.valid_days,
            "claimed": held.get(c.id, 0), "per_shopper_limit": c.per_shopper_limit,
            "remaining": None if c.total_count is None else max(0, c.total_count - c.issued_count),
            "can_claim": refusal is None, "reason": refusal, "actions": ["claim"] if refusal is None else []})
    return result


def claim(shopper_id: int, coupon_id: int) -> ShopperCoupon:
    with transaction(expire_on_commit=False):
        coupon = db.session.get(Coupon, coupon_id)
        if coupon is None or not coupon.claimable:
            raise DomainError(ErrorCode.COUPON_NOT_FOUND)
        _lock_shopper(shopper_id)
        refusal = rules.claim_refusal(coupon.status, coupon.claimable, coupon.issued_count, coupon.total_count,
                                      _held(shopper_id, coupon.id), coupon.per_shopper_limit,
                                      _template_expired(coupon, clock.now()))
        if refusal:
            raise DomainError(ErrorCode.COUPON_NOT_GRANTABLE, refusal)
        mine = _grant(shopper_id, coupon, "claim")
        mine.coupon = coupon
    return mine


def wallet_status(mine: ShopperCoupon, now: datetime) -> str:
    if mine.status == "available" and rules.is_expired(wallet_terms(mine), now):
        return "expired"
    return mine.status


def wallet_json(mine: ShopperCoupon, now: datetime) -> dict:
    terms = wallet_terms(mine)
    status = wallet_status(mine, now)
    return {"id": mine.id, "coupon_id": mine.coupon_id, "name": mine.coupon.name,
            "description": mine.coupon.description, "rule_text": rules.describe(terms), "kind": terms.kind,
            "threshold_fen": terms.threshold_fen, "discount_fen": terms.discount_fen,
            "percent_off": terms.percent_off, "valid_until": terms.expires_at(), "status": status,
            "status_label": rules.WALLET_STATUS_LABELS[status], "order_id": mine.order_id, "source": mine.source}


def wallet(shopper_id: int, status: str | None = None) -> list[dict]:
    """我的优惠券, newest first; `status` picks a tab (available / used / expired)."""
    now = clock.now()
    rows = db.session.scalars(select(ShopperCoupon).where(ShopperCoupon.shopper_id == shopper_id)
                              .options(selectinload(ShopperCoupon.coupon)).order_by(ShopperCoupon.id.desc()))
    items = [wallet_json(mine, now) for mine in rows]
    return [i for i in items if status is None or i["status"] == status]


# ---- checkout -----------------------------------------------------------------------------------


def checkout_options(shopper_id: int, lines: list[LineInput], now: datetime) -> list[dict]:
    """Every coupon in the wallet that is not used or expired, with what it would take off these lines, best
    first; `usable` false with the reason otherwise."""
    rows = db.session.scalars(select(ShopperCoupon).where(
        ShopperCoupon.shopper_id == shopper_id, ShopperCoupon.status == "available")
        .options(selectinload(ShopperCoupon.coupon)).order_by(ShopperCoupon.id))
    basket = coupon_lines(lines)
    options = []
    for mine in rows:
        terms = wallet_terms(mine)
        if rules.is_expired(terms, now):
            continue
        outcome = rules.evaluate(terms, basket, now)
        options.append({"id": mine.id, "name": mine.coupon.name, "rule_text": rules.describe(terms),
                        "discount_fen": outcome.discount_fen, "usable": outcome.usable,
                        "reason_unusable": outcome.reason_unusable, "expires_at": terms.expires_at()})
    options.sort(key=lambda o: (not o["usable"], -o["discount_fen"], o["expires_at"] or datetime.max, o["id"]))
    return options


def best_of(options: list[dict]) -> int | None:
    return rules.best_choice([(o["id"], o["discount_fen"], o["expires_at"]) for o in options if o["usable"]])


def order_line_inputs(lines: list, terms: rules.CouponTerms | None) -> list[LineInput]:
    """An order's lines to price again (a modification); categories are read only for a coupon limited to them."""
    categories = dict(db.session.execute(select(Product.id, Product.category_id).where(
        Product.id.in_({line.product_id for line in lines}))).all()) if terms and terms.scope == "categories" else {}
    return [LineInput(line.sku_id, line.unit_price_fen, line.quantity, line.product_id,
                      categories.get(line.product_id, 0)) for line in lines]


def order_coupon(shopper_id: int, shopper_coupon_id: int | None) -> tuple[ShopperCoupon | None,
                                                                            rules.CouponTerms | None]:
    """The shopper's coupon for an order: theirs and not used (the pricing checks validity, scope and threshold)."""
    if shopper_coupon_id is None:
        return None, None
    mine = db.session.get(ShopperCoupon, shopper_coupon_id)
    if mine is None or mine.shopper_id != shopper_id:
        raise DomainError(ErrorCode.COUPON_NOT_FOUND)
    if mine.status != "available":
        raise DomainError(ErrorCode.COUPON_UNAVAILABLE, "优惠券已使用或已过期")
    return mine, wallet_terms(mine)
