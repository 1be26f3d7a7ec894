#!/usr/bin/env python3
"""Regenerates the seed corpora in fuzz/corpus/<target>/ (kept in the repository, small).

    python3 fuzz/make_corpus.py        # needs ImageMagick's `convert` for the image seeds

Pipelines: one golden of each family from tests/data/goldens (minified) plus hand-made edge cases.
.npy: small golden inputs plus hand-made edge cases (endianness, Fortran order, versions, dtypes,
truncation, lying headers). Images: tiny files of every format/depth/channel layout the app reads,
plus lying headers. Execute: byte strings for fuzz_execute's decoder, one per layer kind.
No numpy/OpenCV needed: .npy and the odd image headers are written by hand.
"""
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
GOLDENS = ROOT / "tests" / "data" / "goldens"


def reset(name):
    d = CORPUS / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def family(path):
    return re.sub(r"(_\d+)+$", "", path.parent.name)


# ---- pipelines ---------------------------------------------------------------------------------

def pipelines():
    d = reset("fuzz_pipeline_json")
    seen = set()
    for p in sorted(GOLDENS.glob("*/*/pipeline.json")):
        key = (p.parent.parent.name, family(p))
        if key in seen:
            continue
        seen.add(key)
        doc = json.loads(p.read_text())
        text = json.dumps(doc, separators=(",", ":"))
        if len(text) > 4000:  # conv goldens carry inline weights; keep the corpus small
            continue
        (d / f"golden_{p.parent.parent.name}_{p.parent.name}.json").write_text(text)

    def put(name, value):
        text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        (d / f"{name}.json").write_text(text)

    pool = {"class_name": "AveragePooling2D", "config": {"name": "pool", "pool_size": [2, 2], "strides": [2, 2], "padding": "same"}}
    # tf.keras 2.x: batch_input_shape on the first layer, Sequential with a layers list.
    put("tfkeras2_sequential", {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "AveragePooling2D", "config": {"name": "average_pooling2d", "trainable": True, "batch_input_shape": [None, 32, 32, 3],
                                                     "dtype": "float32", "pool_size": [2, 2], "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}},
        {"class_name": "UpSampling2D", "config": {"name": "up_sampling2d", "size": [2, 2], "data_format": "channels_last", "interpolation": "nearest"}}]},
        "keras_version": "2.4.0", "backend": "tensorflow"})
    # Keras 2.0-2.2: "config" is the layer list itself.
    put("keras20_config_list", {"class_name": "Sequential", "config": [
        {"class_name": "Conv2D", "config": {"name": "conv2d_1", "batch_input_shape": [None, 8, 8, 3], "filters": 2, "kernel_size": [3, 3],
                                            "strides": [1, 1], "padding": "same", "activation": "relu", "use_bias": True}}]})
    put("tfkeras2_inputlayer", {"class_name": "Sequential", "config": {"name": "m", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, None, None, 3], "dtype": "float32", "sparse": False, "name": "input_1"}},
        {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap", "data_format": "channels_last", "keepdims": True}}]}})
    put("bare_list", [pool, {"class_name": "Tile", "config": {"name": "tile", "multiples": [1, 2, 2, 1]}}])
    put("layers_object", {"layers": [pool]})
    put("empty_list", [])
    put("empty_object", {})
    put("unknown_class", [{"class_name": "BatchNormalization", "config": {"name": "bn"}}])
    put("functional_model", {"class_name": "Functional", "config": {"name": "f", "layers": []}})
    put("no_name", [{"class_name": "Tile", "config": {"multiples": [2]}}, {"class_name": "Tile"}, {"class_name": "Tile", "config": None}])
    put("conv_weights", [{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [1, 1], "use_bias": True, "groups": 1},
                          "weights": {"kernel": {"shape": [1, 1, 3, 2], "data": [1, 0, 0, 1, 0.5, -0.5]}, "bias": {"shape": [2], "data": [0.25, -1]}}}])
    put("conv_weights_wrong", [{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [1, 1]},
                                "weights": {"kernel": {"shape": [1, 1, 3, 2], "data": [1, 0, 0]}, "bias": {"shape": [9], "data": []}}}])
    put("conv_activation_object", [{"class_name": "Conv2D", "config": {"name": "c", "filters": 1, "kernel_size": 3, "groups": 1,
                                    "activation": {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "function"}}}])
    put("resizing_all", [{"class_name": "Resizing", "config": {"name": "r", "height": 5, "width": 3, "interpolation": "lanczos3", "crop_to_aspect_ratio": False,
                                                              "pad_to_aspect_ratio": True, "fill_mode": "constant", "fill_value": 1.5, "antialias": True, "data_format": "channels_first"}}])
    put("upsampling_int_size", [{"class_name": "UpSampling2D", "config": {"name": "u", "size": 3, "interpolation": "bicubic"}}])
    huge = [{"class_name": "AveragePooling2D", "config": {"name": "p1", "pool_size": [9223372036854775807, 2], "strides": [-9223372036854775808, 1]}},
            {"class_name": "Resizing", "config": {"name": "r1", "height": 1e308, "width": 18446744073709551615, "fill_value": -1e308}},
            {"class_name": "UpSampling2D", "config": {"name": "u1", "size": [4294967296, 4294967297]}},
            {"class_name": "Tile", "config": {"name": "t1", "multiples": [1, 99999999999999999999999, 1, 1]}},
            {"class_name": "Conv2D", "config": {"name": "c1", "filters": 2147483648, "kernel_size": [1.5, -0.0], "dilation_rate": [0, 65536], "groups": 0}}]
    for i, layer in enumerate(huge):
        put(f"huge_numbers_{i}", [layer])
    put("huge_literal", '[{"class_name":"Tile","config":{"name":"t","multiples":[1,1e999999,1,1]}}]')
    put("wrong_types", [{"class_name": "AveragePooling2D", "config": {"name": 5, "pool_size": "2", "padding": ["same"], "data_format": None}}])
    put("duplicate_names", [dict(pool), dict(pool)])
    # Deep nesting: inside an ignored key of a layer's config (copied by the loader) and at the top.
    put("deep_nesting_config", '[{"class_name":"Tile","config":{"name":"t","multiples":[1,1,1,1],"x":' + "[" * 2000 + "]" * 2000 + "}}]")
    put("deep_nesting_top", "[" * 3000 + "]" * 3000)
    put("unicode_name", [{"class_name": "Tile", "config": {"name": "t\u00e9\u2603\ud83d\ude00\"'\\", "multiples": [1]}}])
    put("truncated", '{"class_name":"Sequential","config":{"layers":[{"class_name":"Tile","config":{"multiples":[1,2')
    put("not_json", "\x00\xff not json")


# ---- .npy --------------------------------------------------------------------------------------

def npy_raw(header, payload, version=(1, 0), pad=True):
    """Magic, version, header length, the header literal (padded to 64 bytes), the payload."""
    lenbytes = 2 if version[0] == 1 else 4
    if pad:
        total = 8 + lenbytes + len(header) + 1
        header += " " * ((64 - total % 64) % 64) + "\n"
    h = header.encode("latin-1" if version[0] < 3 else "utf-8")
    size = struct.pack("<H", len(h)) if lenbytes == 2 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes(version) + size + h + payload


def shape_text(shape):
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(s) for s in shape) + ")"


def npy2(descr, shape, payload, fortran=False, version=(1, 0)):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", shape_text(shape))
    return npy_raw(header, payload, version)


def npys():
    d = reset("fuzz_npy")
    seen = set()
    per_source = {}
    for p in sorted(GOLDENS.glob("*/*/input.npy")):
        source = p.parent.parent.name
        key = (source, family(p))
        if key in seen or p.stat().st_size > 2048 or per_source.get(source, 0) >= 6:
            continue
        seen.add(key)
        per_source[source] = per_source.get(source, 0) + 1
        shutil.copy(p, d / f"golden_{source}_{p.parent.name}.npy")

    def put(name, data):
        (d / f"{name}.npy").write_bytes(data)

    f32 = struct.pack("<6f", *[0.5 * i for i in range(6)])
    put("f4_le_2x3", npy2("<f4", (2, 3), f32))
    put("f4_be_2x3", npy2(">f4", (2, 3), struct.pack(">6f", *[0.5 * i for i in range(6)])))
    put("f8_be_3", npy2(">f8", (3,), struct.pack(">3d", 1e300, -0.0, float("nan"))))
    put("f2_le_4", npy2("<f2", (4,), struct.pack("<4H", 0x3c00, 0x0001, 0x7c00, 0xfe00)))
    put("f4_fortran_2x3x2", npy2("<f4", (2, 3, 2), struct.pack("<12f", *range(12)), fortran=True))
    put("u2_be_fortran_3x2", npy2(">u2", (3, 2), struct.pack(">6H", 1, 2, 3, 65535, 0, 7), fortran=True))
    put("bool_2x2", npy2("|b1", (2, 2), bytes([0, 1, 2, 255])))
    put("i1_4x4x1", npy2("|i1", (4, 4, 1), bytes((i * 37) & 0xff for i in range(16))))
    put("u1_1x2x2x3", npy2("|u1", (1, 2, 2, 3), bytes(range(12))))
    put("i8_le_2", npy2("<i8", (2,), struct.pack("<2q", -(2 ** 63), 2 ** 63 - 1)))
    put("u8_be_2", npy2(">u8", (2,), struct.pack(">2Q", 2 ** 64 - 1, 1)))
    put("i4_le_2x2", npy2("<i4", (2, 2), struct.pack("<4i", -1, 0, 1, 2 ** 31 - 1)))
    put("version2_f4", npy2("<f4", (2, 3), f32, version=(2, 0)))
    put("version3_f4", npy2("<f4", (2, 3), f32, version=(3, 0)))
    put("version9", npy2("<f4", (2, 3), f32, version=(9, 0)))
    put("scalar", npy2("<f4", (), struct.pack("<f", 3.0)))
    put("rank5", npy2("<f4", (1, 1, 1, 2, 3), f32))
    put("zero_dim", npy2("<f4", (0, 3), b""))
    put("zero_and_huge", npy2("<f4", (0, 2 ** 40, 2 ** 40), b""))
    put("huge_and_zero", npy2("<f4", (2 ** 40, 2 ** 40, 0), b""))
    put("truncated_data", npy2("<f4", (2, 3), f32[:10]))
    put("truncated_header", npy2("<f4", (2, 3), f32)[:30])
    put("claims_huge", npy2("<f4", (100000, 100000, 3), f32))
    put("claims_overflow", npy2("<f8", (2 ** 31, 2 ** 31, 2 ** 31), f32))
    put("negative_dim", npy2("<f4", (-1, 3), f32))
    put("python2_long", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", f32))
    put("nul_padding", b"\x93NUMPY\x01\x00" + struct.pack("<H", 64) + b"{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }".ljust(64, b"\0") + f32)
    put("structured", npy_raw("{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (2,), }", f32))
    put("object_dtype", npy_raw("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", b"\0" * 8))
    put("header_len_lies", b"\x93NUMPY\x01\x00\xff\xff{'descr': '<f4'}")
    put("deep_header", npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': " + "(" * 40 + ")" * 40 + "}", b"\0" * 4))
    put("only_magic", b"\x93NUMPY")


# ---- images ------------------------------------------------------------------------------------

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def images():
    d = reset("fuzz_image")
    convert = shutil.which("convert")
    if convert:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "src.png"
            # 5×4 gradient with some colour, the base of most seeds.
            subprocess.run([convert, "-size", "5x4", "gradient:red-blue", "-depth", "8", str(src)], check=True)
            jobs = [
                ("rgb8.png", ["-depth", "8", "-define", "png:color-type=2"]),
                ("gray8.png", ["-colorspace", "Gray", "-depth", "8"]),
                ("rgba8.png", ["-alpha", "set", "-channel", "A", "-evaluate", "set", "50%", "+channel", "-define", "png:color-type=6"]),
                ("gray16.png", ["-colorspace", "Gray", "-depth", "16"]),
                ("rgb16.png", ["-depth", "16", "-define", "png:color-type=2"]),
                ("indexed.png", ["-colors", "4", "PNG8:"]),
                ("rgb.jpg", ["-quality", "80"]),
                ("gray.jpg", ["-colorspace", "Gray", "-quality", "80"]),
                ("exif6.jpg", ["-orient", "RightTop", "-quality", "80"]),
                ("progressive.jpg", ["-interlace", "Plane", "-quality", "70"]),
                ("rgb24.bmp", ["-type", "TrueColor", "BMP3:"]),
                ("rgba32.bmp", ["-alpha", "set", "BMP:"]),
                ("gray8.bmp", ["-type", "Palette", "-colors", "4", "BMP3:"]),
                ("lossy.webp", ["-quality", "60"]),
                ("lossless_alpha.webp", ["-alpha", "set", "-define", "webp:lossless=true"]),
                ("rgb8.tiff", ["-compress", "None"]),
                ("rgb16_lzw.tiff", ["-depth", "16", "-compress", "LZW"]),
                ("gray_float.tiff", ["-colorspace", "Gray", "-depth", "32", "-define", "quantum:format=floating-point"]),
                ("rgba8.tiff", ["-alpha", "set"]),
                ("gray.pgm", []),
                ("rgb.ppm", []),
            ]
            for name, args in jobs:
                out = Path(tmp) / name
                prefix = ""
                if args and args[-1].endswith(":"):
                    prefix, args = args[-1], args[:-1]
                subprocess.run([convert, str(src)] + args + [prefix + str(out)], check=True)
                shutil.copy(out, d / name)
    else:
        print("warning: ImageMagick 'convert' not found; only the hand-made image seeds are written", file=sys.stderr)

    # PNG whose header claims 100000×100000 RGB (valid CRCs, a tiny IDAT): the pixel limit must
    # refuse it before decoding. And 1×1 images written by hand (no converter needed).
    sig = b"\x89PNG\r\n\x1a\n"
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
    (d / "claims_huge.png").write_bytes(sig + ihdr + idat + png_chunk(b"IEND", b""))
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 14000, 8, 0, 0, 0, 0))
    (d / "bomb_under_limit.png").write_bytes(sig + ihdr + png_chunk(b"IDAT", zlib.compress(b"\0" * 20001 * 64)) + png_chunk(b"IEND", b""))
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    (d / "gray_1x1.png").write_bytes(sig + ihdr + png_chunk(b"IDAT", zlib.compress(b"\0\x80")) + png_chunk(b"IEND", b""))
    # BMP with a negative (top-down) height and one with a huge width.
    def bmp(width, height, bpp=24):
        row = ((abs(width) * bpp // 8 + 3) // 4) * 4
        pixels = b"\x10\x20\x30" * abs(width) * abs(height) if abs(width * height) < 64 else b""
        info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bpp, 0, (row * abs(height)) & 0xffffffff, 2835, 2835, 0, 0)
        return b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54) + info + pixels
    (d / "topdown.bmp").write_bytes(bmp(2, -2))
    (d / "claims_huge.bmp").write_bytes(bmp(2 ** 31 - 1, 2))
    (d / "claims_huge.pgm").write_bytes(b"P5\n# comment\n100000 100000\n255\n\0\0\0")
    (d / "tiff_header_only.tiff").write_bytes(b"II*\0\x08\0\0\0\x02\0\x00\x01\x04\0\x01\0\0\0\xff\xff\xff\x7f\x01\x01\x04\0\x01\0\0\0\x02\0\0\0")


# ---- execute -----------------------------------------------------------------------------------

def execute():
    d = reset("fuzz_execute")
    rng = random.Random(5)
    pixels = bytes(rng.randrange(256) for _ in range(192))
    # [count-1, then per layer: class (index in layerFactories(): 0 AveragePooling2D, 1 Conv2D,
    # 2 GlobalAveragePooling2D, 3 Resizing, 4 Tile, 5 UpSampling2D), that class's fuzzJson bytes
    # (data_format first, except Tile), then params...], cancel byte, then 192 input bytes.
    # fuzz_execute's decoder reads zeros past the end, so short seeds are fine.
    seeds = {
        "pool_2x2": [0, 0, 0, 2, 2, 2, 2, 1, 2],
        "pool_same_3x3_s1": [0, 0, 0, 3, 3, 1, 1, 1, 2],
        "gap_keepdims": [0, 2, 0, 0, 2],
        "upsampling_bilinear": [0, 5, 0, 2, 3, 1, 2],
        "upsampling_lanczos5": [0, 5, 0, 2, 2, 5, 2],
        "resizing_crop": [0, 3, 0, 5, 3, 2, 0, 1, 0, 1, 2],
        "resizing_pad_area": [0, 3, 2, 3, 7, 3, 1, 0, 1, 0, 2],
        "tile_2x": [0, 4, 3, 2, 2, 1, 2],
        "conv_3x3_relu": [0, 1, 0, 4, 3, 3, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 2],
        "conv_weights": [0, 1, 0, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 16, 32, 48, 64, 80, 96, 1, 2, 2],
        "conv_groups_softmax": [0, 1, 0, 2, 3, 3, 1, 1, 1, 1, 1, 2, 0, 2, 1, 1, 2],
        "stack4": [3, 0, 0, 2, 2, 2, 2, 0, 5, 0, 2, 2, 0, 1, 0, 3, 3, 3, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 2],
        "channels_first_pool": [0, 0, 2, 2, 2, 1, 1, 0, 2],
        "huge_upsampling": [0, 5, 0, 255, 30, 255, 30, 1, 2],
        "huge_tile": [0, 4, 3, 255, 40, 255, 40, 1, 1, 2],
        "int64_max_resizing": [0, 3, 0, 253, 0, 253, 0, 0, 0, 0, 0, 0, 2],
        "negative_pool": [0, 0, 0, 254, 1, 2, 2, 0, 2],
        "cancel_before": [1, 0, 0, 2, 2, 2, 2, 0, 2, 0, 0, 0],
        "cancel_from_progress": [1, 1, 0, 4, 3, 3, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 2, 2, 3, 1],
    }
    for name, head in seeds.items():
        (d / name).write_bytes(bytes(head) + pixels)
    for i in range(8):
        (d / f"random_{i}").write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(16, 260))))


if __name__ == "__main__":
    pipelines()
    npys()
    images()
    execute()
    total = sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file())
    count = sum(1 for f in CORPUS.rglob("*") if f.is_file())
    print(f"{count} seed files, {total / 1024:.0f} KiB in {CORPUS.relative_to(ROOT)}")
