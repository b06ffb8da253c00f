#!/usr/bin/env python3
"""Writes Kraken's shipped demo capture: the market activity of the real Binance USD-M BTCUSDT
recording shipped with ticklake (captures/binance-usdm/btcusdt-20240808.*), in Kraken's WebSocket v2
wire format as Kraken would have sent it for BTC/USD at book depth 10.

No Kraken recording with trades is available offline (see captures/kraken/PROVENANCE.md), so the
demo replays recorded activity of another venue in Kraken's exact message shapes:
  - each MARKET trade (@trade, X=MARKET) is a `trade` update: side is the taker's (m=true: the
    buyer was the maker, so the taker sold), trade_id is Binance's t, timestamp its T;
  - the depth diffs, synced to the recorded REST snapshot by Binance's rules (drop u < lastUpdateId;
    the first applied diff has U <= lastUpdateId <= u), keep a full book; Kraken's depth-10 view of
    it becomes one `book` snapshot, then an `update` whenever the view changes: each level of the
    view that is new or changed, and qty 0 for a level deleted from the book (a level pushed out of
    the view is not announced, as Kraken does); each update carries Kraken's checksum of the view
    (top 10 asks ascending then bids descending, price at 1 decimal and qty at 8, point and leading
    zeros removed, CRC32);
  - receive times are the recording's.
Usage: kraken_demo_capture.py BINANCE_CAPTURE BINANCE_SNAPSHOTS > kraken-v2-btcusd-20240808.capture
"""
import json
import sys
import zlib
from datetime import datetime, timezone
from decimal import Decimal

SYMBOL = "BTC/USD"
DEPTH = 10
PRICE_DECIMALS = 1
QTY_DECIMALS = 8


def iso(ms):
    t = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%06d" % t.microsecond + "Z"


def num(d):
    s = format(d.normalize(), "f")
    return s


def digits(d, decimals):
    return str(int(d.scaleb(decimals).to_integral_exact()))


def checksum(asks, bids):
    s = ""
    for p, q in asks:
        s += digits(p, PRICE_DECIMALS) + digits(q, QTY_DECIMALS)
    for p, q in bids:
        s += digits(p, PRICE_DECIMALS) + digits(q, QTY_DECIMALS)
    return zlib.crc32(s.encode("ascii")) & 0xFFFFFFFF


def view(book, asks):
    return sorted(book.items(), key=lambda kv: kv[0], reverse=not asks)[:DEPTH]


def levels(pairs):
    return "[" + ",".join('{"price":%s,"qty":%s}' % (num(p), num(q)) for p, q in pairs) + "]"


def main():
    capture, snapshots = sys.argv[1], sys.argv[2]
    snap = json.loads(open(snapshots).read().strip().splitlines()[-1])
    last_id = snap["lastUpdateId"]
    bids = {Decimal(p): Decimal(q) for p, q in snap["bids"] if Decimal(q) != 0}
    asks = {Decimal(p): Decimal(q) for p, q in snap["asks"] if Decimal(q) != 0}
    synced = False
    out = sys.stdout
    prev = None
    for line in open(capture):
        line = line.rstrip("\n")
        if not line or ": " not in line:
            continue
        recv, frame = line.split(": ", 1)
        msg = json.loads(frame)
        data = msg.get("data", {})
        if data.get("e") == "trade":
            if data.get("X") != "MARKET":
                continue
            side = "sell" if data["m"] else "buy"
            out.write('%s: {"channel":"trade","type":"update","data":[{"symbol":"%s","side":"%s","price":%s,"qty":%s,'
                      '"ord_type":"market","trade_id":%d,"timestamp":"%s"}]}\n'
                      % (recv, SYMBOL, side, num(Decimal(data["p"])), num(Decimal(data["q"])), data["t"], iso(data["T"])))
        elif data.get("e") == "depthUpdate":
            if data["u"] < last_id:
                continue
            if not synced:
                if not (data["U"] <= last_id <= data["u"]):
                    continue
                synced = True
            for side, book in (("b", bids), ("a", asks)):
                for p, q in data[side]:
                    p, q = Decimal(p), Decimal(q)
                    if q == 0:
                        book.pop(p, None)
                    else:
                        book[p] = q
            va, vb = view(asks, True), view(bids, False)
            if prev is None:
                out.write('%s: {"channel":"book","type":"snapshot","data":[{"symbol":"%s","bids":%s,"asks":%s,"checksum":%d,'
                          '"timestamp":"%s"}]}\n' % (recv, SYMBOL, levels(vb), levels(va), checksum(va, vb), iso(data["E"])))
            else:
                changes = {}
                for name, new, old, book in (("bids", vb, prev[1], bids), ("asks", va, prev[0], asks)):
                    old_map = dict(old)
                    new_map = dict(new)
                    ch = [(p, q) for p, q in new if old_map.get(p) != q]
                    ch += [(p, Decimal(0)) for p, q in old if p not in new_map and p not in book]
                    changes[name] = ch
                if changes["bids"] or changes["asks"]:
                    out.write('%s: {"channel":"book","type":"update","data":[{"symbol":"%s","bids":%s,"asks":%s,"checksum":%d,'
                              '"timestamp":"%s"}]}\n' % (recv, SYMBOL, levels(changes["bids"]), levels(changes["asks"]),
                                                         checksum(va, vb), iso(data["E"])))
            prev = (va, vb)


if __name__ == "__main__":
    main()
