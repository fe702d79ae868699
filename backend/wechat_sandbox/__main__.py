"""python -m wechat_sandbox [--host 127.0.0.1] [--port 8001] [--state var/sandbox.sqlite] [--keys var/wechatpay]"""
import argparse
import logging
import os
from pathlib import Path

from werkzeug.serving import make_server

from . import create_app


def main():
    parser = argparse.ArgumentParser(description="Local emulator of the WeChat servers")
    parser.add_argument("--host", default=os.environ.get("SANDBOX_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8001")))
    var_dir = Path(os.environ.get("SHOP_VAR_DIR") or Path(__file__).resolve().parents[2] / "var")
    parser.add_argument("--state", default=os.environ.get("SANDBOX_STATE_PATH") or str(var_dir / "sandbox.sqlite"),
                        help="SQLite file keeping payments and refunds across restarts")
    parser.add_argument("--keys", default=os.environ.get("SANDBOX_KEYS_DIR") or str(var_dir / "wechatpay"),
                        help="folder of the APIv3 demo keys (created on first start)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = make_server(args.host, args.port, create_app({"state_path": args.state, "keys_dir": args.keys}),
                         threaded=True)
    logging.getLogger("wechat_sandbox").info("WeChat sandbox on http://%s:%s/", args.host, args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
