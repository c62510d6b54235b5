#!/usr/bin/env python3
"""Generate src/domain/strokes/strokes.bin, the stroke table used for 姓氏笔画 ordering.

The table holds, for each CJK ideograph the sources know, its total stroke count and, where a
stroke-order source has it, the class of each stroke in writing order:
1 横 (incl. 提), 2 竖 (incl. 竖钩), 3 撇, 4 点 (incl. 捺), 5 折 (every bending stroke).

Sources (none of them is kept in the repository; only the generated table is):

1. Stroke counts: Unihan `kTotalStrokes` (Unicode Character Database).
   Debian/Ubuntu: `apt-get install unicode-data`, then pass
   `/usr/share/unicode/Unihan_IRGSources.txt.bz2` (the plain `.txt`, or the upstream
   `Unihan.zip`, are accepted too). The table was generated from unicode-data 15.0.0.
2. Stroke order: the npm package `cnchar-order` (MIT), file `cnchar.order.min.js`; optionally
   `cnchar-trad` (MIT), file `cnchar.trad.min.js`, for traditional characters:
       mkdir -p /tmp/strokesrc && cd /tmp/strokesrc && npm init -y >/dev/null &&
       npm install cnchar-order@3.2.6 cnchar-trad@3.2.6
   Only the JSON tables embedded in these files are read; nothing is executed.

Usage (from the repository root):
    python3 tools/gen_strokes.py \\
        --unihan /usr/share/unicode/Unihan_IRGSources.txt.bz2 \\
        --order /tmp/strokesrc/node_modules/cnchar-order/cnchar.order.min.js \\
        --order /tmp/strokesrc/node_modules/cnchar-trad/cnchar.trad.min.js \\
        --out src/domain/strokes/strokes.bin

Several `--order` files may be given; the first one that has a character wins. The first order
file must contain the stroke-letter legend (cnchar-order does). Where Unihan and the order source
disagree on the stroke count, Unihan's count is kept and the order source's strokes are dropped.
A character without a Unihan count takes the order source's stroke count.

Output format (little-endian), described also in src/domain/strokes/mod.rs:
    magic        8 bytes  b"HJSTRK01"
    n_ranges     u32      number of code point ranges
    n_types      u32      number of stroke classes stored in the types section
    ranges       n_ranges x (first: u32, len: u32), ascending, non-overlapping
    counts       one byte per code point of every range, in order: bits 0..6 the stroke count
                 (0 = no data for this code point), bit 7 set when stroke classes follow
    types        ceil(n_types / 2) bytes: the stroke classes (1..=5) of every flagged code point,
                 in code point order, `count` classes each, two per byte, low nibble first

The script uses the Python standard library only and is deterministic: the same sources give a
byte-identical table. Statistics go to standard error.
"""

import argparse
import bz2
import io
import json
import re
import struct
import sys
import zipfile

MAGIC = b"HJSTRK01"
# A gap of more than this many code points without data starts a new range.
MAX_GAP = 16

# Stroke names (as the order source's legend spells them) of the four "flat" classes; every
# other stroke bends and is a 折 (5), as in the national stroke-order norms, where 提 counts as 横,
# 竖钩 as 竖 and 捺 as 点.
FLAT_CLASSES = {
    "横": 1,
    "提": 1,
    "竖": 2,
    "竖钩": 2,
    "撇": 3,
    "点": 4,
    "点2": 4,
    "捺": 4,
}
FOLD = 5


def open_unihan(path):
    """Return a text stream over the Unihan data (plain, .bz2 or a .zip holding the files)."""
    if path.endswith(".bz2"):
        return [bz2.open(path, "rt", encoding="utf-8")]
    if path.endswith(".zip"):
        archive = zipfile.ZipFile(path)
        return [
            io.TextIOWrapper(archive.open(name), encoding="utf-8")
            for name in sorted(archive.namelist())
            if name.endswith(".txt")
        ]
    return [open(path, "r", encoding="utf-8")]


def read_unihan_counts(path):
    """Map code point -> stroke count from kTotalStrokes (the first, zh-Hans, value)."""
    counts = {}
    version = None
    for stream in open_unihan(path):
        with stream:
            for line in stream:
                if line.startswith("# Unicode version:") and version is None:
                    version = line.split(":", 1)[1].strip()
                if "\tkTotalStrokes\t" not in line:
                    continue
                code, _field, value = line.rstrip("\n").split("\t")
                counts[int(code[2:], 16)] = int(value.split()[0])
    if not counts:
        sys.exit(f"gen_strokes: no kTotalStrokes entries in {path}")
    return counts, version


def json_literals(path):
    """Every `JSON.parse('...')` literal embedded in a bundled JavaScript file, decoded."""
    with open(path, "r", encoding="utf-8") as f:
        text = f.read()
    found = []
    for match in re.finditer(r"JSON\.parse\('", text):
        end = text.index("')", match.end())
        try:
            found.append(json.loads(text[match.end() : end]))
        except json.JSONDecodeError:
            continue
    return found


def is_order_table(obj):
    if not isinstance(obj, dict) or len(obj) < 100:
        return False
    return all(
        isinstance(k, str)
        and len(k) == 1
        and isinstance(v, str)
        and re.fullmatch("[a-z]+", v) is not None
        for k, v in obj.items()
    )


def is_legend(obj):
    return (
        isinstance(obj, dict)
        and len(obj) > 0
        and all(isinstance(v, dict) and "name" in v for v in obj.values())
    )


def read_order_file(path, legend):
    """Return (legend, order table) of one cnchar bundle; the legend may come from an earlier file."""
    literals = json_literals(path)
    tables = [obj for obj in literals if is_order_table(obj)]
    legends = [obj for obj in literals if is_legend(obj)]
    if len(tables) != 1:
        sys.exit(f"gen_strokes: expected one stroke-order table in {path}, found {len(tables)}")
    if legend is None:
        if len(legends) != 1:
            sys.exit(f"gen_strokes: no stroke-letter legend in {path}")
        legend = legends[0]
    return legend, tables[0]


def letter_classes(legend):
    """Map each stroke letter of the legend to a class 1..=5."""
    classes = {}
    for letter, entry in legend.items():
        # Some letters stand for two similar strokes ("横撇|横钩"); both names share one class.
        names = entry["name"].split("|")
        found = {FLAT_CLASSES.get(name, FOLD) for name in names}
        if len(found) != 1:
            sys.exit(f"gen_strokes: letter {letter!r} mixes stroke classes: {entry['name']}")
        classes[letter] = found.pop()
    return classes


def build(unihan_counts, order_tables, classes):
    """Merge the sources; return ({cp: (count, types or None)}, statistics)."""
    stats = {
        "unihan": len(unihan_counts),
        "order_chars": 0,
        "order_only": 0,
        "count_mismatch": [],
        "unknown_letter": [],
    }
    orders = {}
    for table in order_tables:
        for ch, letters in table.items():
            cp = ord(ch)
            if cp in orders:
                continue
            if any(letter not in classes for letter in letters):
                stats["unknown_letter"].append(ch)
                continue
            orders[cp] = [classes[letter] for letter in letters]
    stats["order_chars"] = len(orders)

    table = {}
    for cp, count in unihan_counts.items():
        table[cp] = (count, None)
    for cp, types in orders.items():
        if cp not in table:
            stats["order_only"] += 1
            table[cp] = (len(types), types)
        elif table[cp][0] == len(types):
            table[cp] = (table[cp][0], types)
        else:
            stats["count_mismatch"].append((chr(cp), table[cp][0], len(types)))
    for cp, (count, _types) in table.items():
        if not 1 <= count <= 127:
            sys.exit(f"gen_strokes: U+{cp:04X} has an unusable stroke count {count}")
    return table, stats


def encode(table):
    cps = sorted(table)
    ranges = []
    for cp in cps:
        if ranges and cp - (ranges[-1][0] + ranges[-1][1]) <= MAX_GAP:
            ranges[-1][1] = cp - ranges[-1][0] + 1
        else:
            ranges.append([cp, 1])
    counts = bytearray()
    types = []
    for first, length in ranges:
        for cp in range(first, first + length):
            count, seq = table.get(cp, (0, None))
            counts.append(count | (0x80 if seq is not None else 0))
            if seq is not None:
                types.extend(seq)
    packed = bytearray()
    for i in range(0, len(types), 2):
        low = types[i]
        high = types[i + 1] if i + 1 < len(types) else 0
        packed.append(low | (high << 4))
    out = bytearray(MAGIC)
    out += struct.pack("<II", len(ranges), len(types))
    for first, length in ranges:
        out += struct.pack("<II", first, length)
    out += counts
    out += packed
    return bytes(out), len(ranges)


def gb2312_hanzi():
    chars = []
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--unihan", required=True, help="Unihan_IRGSources.txt[.bz2] or Unihan.zip")
    parser.add_argument(
        "--order",
        required=True,
        action="append",
        help="cnchar.order.min.js (first), then optionally cnchar.trad.min.js",
    )
    parser.add_argument("--out", required=True, help="output file, e.g. src/domain/strokes/strokes.bin")
    args = parser.parse_args()

    unihan_counts, version = read_unihan_counts(args.unihan)
    legend = None
    tables = []
    for path in args.order:
        legend, order_table = read_order_file(path, legend)
        tables.append(order_table)
    classes = letter_classes(legend)
    table, stats = build(unihan_counts, tables, classes)
    data, n_ranges = encode(table)
    with open(args.out, "wb") as f:
        f.write(data)

    typed = sum(1 for _count, seq in table.values() if seq is not None)
    gb = gb2312_hanzi()
    gb_typed = sum(1 for ch in gb if ord(ch) in table and table[ord(ch)][1] is not None)
    gb_counted = sum(1 for ch in gb if ord(ch) in table)
    log = sys.stderr
    print(f"Unihan version {version}: {stats['unihan']} kTotalStrokes entries", file=log)
    print(f"order sources: {stats['order_chars']} characters", file=log)
    print(f"characters with stroke count: {len(table)}", file=log)
    print(f"  with stroke classes: {typed}", file=log)
    print(f"  with count only:     {len(table) - typed}", file=log)
    print(f"  from the order source only (no Unihan count): {stats['order_only']}", file=log)
    mismatches = stats["count_mismatch"]
    print(
        f"count mismatches (Unihan kept, strokes dropped): {len(mismatches)} "
        + " ".join(f"{ch}({u}/{o})" for ch, u, o in mismatches),
        file=log,
    )
    if stats["unknown_letter"]:
        print(f"dropped for unknown stroke letters: {''.join(stats['unknown_letter'])}", file=log)
    print(
        f"GB 2312 hanzi: {len(gb)}, with count {gb_counted}, with stroke classes {gb_typed}; "
        + "count only: "
        + "".join(ch for ch in gb if ord(ch) in table and table[ord(ch)][1] is None),
        file=log,
    )
    print(f"wrote {args.out}: {len(data)} bytes, {n_ranges} ranges", file=log)


if __name__ == "__main__":
    main()
