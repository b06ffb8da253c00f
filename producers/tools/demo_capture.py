#!/usr/bin/env python3
"""Writes the shipped demo captures of venues for which no recording with trades is available
offline (see captures/<venue>/PROVENANCE.md): the market activity of the real Binance USD-M BTCUSDT
recording shipped with ticklake (captures/binance-usdm/btcusdt-20240808.*), in the venue's exact
wire format as it would have sent it.

kraken: WebSocket v2 for BTC/USD at book depth 10:
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
okx: v5 public for BTC-USDT, as OKX sends it since June 2026:
  - each MARKET trade is a `trades` message: tradeId Binance's t, side the taker's, ts its T, count 1;
  - the synced book is one `books` snapshot (the best 400 levels a side, seqId the first applied diff's
    u, prevSeqId -1), then each diff as an `update` (its levels, size 0 removes), seqId its u,
    prevSeqId the previous one's, checksum 0, ts its E.
Usage: demo_capture.py kraken|okx BINANCE_CAPTURE BINANCE_SNAPSHOTS > FILE
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


def binance_events(capture, snapshots):
    """(receive time, kind, data, bids, asks) for each MARKET trade and each synced depth diff; bids/asks
    are the full book after the diff (price -> size)."""
    snap = json.loads(open(snapshots).read().strip().splitlines()[-1])
    last_id = snap["lastUpdateId"]
    bids = {Decimal(p): Decimal(q) for p, q in snap["bids"] if Decimal(q) != 0}
    asks = {Decimal(p): Decimal(q) for p, q in snap["asks"] if Decimal(q) != 0}
    synced = False
    for line in open(capture):
        line = line.rstrip("\n")
        if not line or ": " not in line:
            continue
        recv, frame = line.split(": ", 1)
        data = json.loads(frame).get("data", {})
        if data.get("e") == "trade":
            if data.get("X") == "MARKET":
                yield recv, "trade", data, bids, asks
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
            yield recv, "depth", data, bids, asks


def kraken(capture, snapshots, out):
    prev = None
    for recv, kind, data, bids, asks in binance_events(capture, snapshots):
        if kind == "trade":
            side = "sell" if data["m"] else "buy"
            out.write('%s: {"channel":"trade","type":"update","data":[{"symbol":"%s","side":"%s","price":%s,"qty":%s,'
                      '"ord_type":"market","trade_id":%d,"timestamp":"%s"}]}\n'
                      % (recv, SYMBOL, side, num(Decimal(data["p"])), num(Decimal(data["q"])), data["t"], iso(data["T"])))
            continue
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


def okx_levels(pairs):
    return "[" + ",".join('["%s","%s","0","1"]' % (num(p), num(q)) for p, q in pairs) + "]"


def okx(capture, snapshots, out):
    inst = "BTC-USDT"
    last = None
    for recv, kind, data, bids, asks in binance_events(capture, snapshots):
        if kind == "trade":
            side = "sell" if data["m"] else "buy"
            out.write('%s: {"arg":{"channel":"trades","instId":"%s"},"data":[{"instId":"%s","tradeId":"%d","px":"%s","sz":"%s",'
                      '"side":"%s","ts":"%d","count":"1","source":"0"}]}\n'
                      % (recv, inst, inst, data["t"], num(Decimal(data["p"])), num(Decimal(data["q"])), side, data["T"]))
            continue
        if last is None:
            va = sorted(asks.items())[:400]
            vb = sorted(bids.items(), reverse=True)[:400]
            out.write('%s: {"arg":{"channel":"books","instId":"%s"},"action":"snapshot","data":[{"asks":%s,"bids":%s,"ts":"%d",'
                      '"checksum":0,"prevSeqId":-1,"seqId":%d}]}\n' % (recv, inst, okx_levels(va), okx_levels(vb), data["E"], data["u"]))
        else:
            b = [(Decimal(p), Decimal(q)) for p, q in data["b"]]
            a = [(Decimal(p), Decimal(q)) for p, q in data["a"]]
            out.write('%s: {"arg":{"channel":"books","instId":"%s"},"action":"update","data":[{"asks":%s,"bids":%s,"ts":"%d",'
                      '"checksum":0,"prevSeqId":%d,"seqId":%d}]}\n' % (recv, inst, okx_levels(a), okx_levels(b), data["E"], last, data["u"]))
        last = data["u"]


def main():
    venue, capture, snapshots = sys.argv[1], sys.argv[2], sys.argv[3]
    {"kraken": kraken, "okx": okx}[venue](capture, snapshots, sys.stdout)


if __name__ == "__main__":
    main()
