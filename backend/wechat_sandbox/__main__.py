"""python -m wechat_sandbox [--host 127.0.0.1] [--port 8001]"""
import argparse
import logging
import os

from werkzeug.serving import make_server

from . import create_app


def main():
    parser = argparse.ArgumentParser(description="Local emulator of the WeChat servers")
    parser.add_argument("--host", default=os.environ.get("SANDBOX_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8001")))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = make_server(args.host, args.port, create_app(), threaded=True)
    logging.getLogger("wechat_sandbox").info("WeChat sandbox on http://%s:%s/", args.host, args.port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
