"""Database tables (the storage adapter). Importing this package registers every model."""
from .types import UTCDateTime  # noqa: F401
from .catalog import Category, Product, Sku, Coupon, ShopperCoupon  # noqa: F401
from .shoppers import Shopper, Address, Upload  # noqa: F401
from .orders import Order, OrderLine, OrderEvent, Payment  # noqa: F401
from .inventory import StockLedger  # noqa: F401
from .refunds import Refund, RefundAttempt  # noqa: F401
from .balance import BalanceEntry  # noqa: F401
from .staff import Staff  # noqa: F401
from .requests import OrderRequest, AfterSale, AfterSaleMessage, CancelFeedback  # noqa: F401
from .messages import Message, SubscribeMessage  # noqa: F401
from .operations import (AuditLog, ShopSetting, ReconciliationRun, ReconciliationMismatch,  # noqa: F401
                         StockSyncEvent, ShopInstance)
from .shipping import ShippingUpload  # noqa: F401
from .complaints import Complaint, ComplaintAlert  # noqa: F401
from .stats import StatsDaily, StatsDay  # noqa: F401
from .invoices import Invoice  # noqa: F401
from .batches import Batch, BatchItem  # noqa: F401
from .storage import UploadBlob  # noqa: F401
