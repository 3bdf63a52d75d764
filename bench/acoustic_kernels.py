"""Which kernels should run the acoustic model: LiteRT's builtin ones or XNNPACK?

The acoustic model (FastSpeech2) stores its fully connected and convolution weights as int8
with float scales. LiteRT's builtin kernels run those layers in "hybrid" mode (the inputs
quantized to int8 on the fly); XNNPACK computes them its own way. The two give different
mels and durations, so neither can be called right by comparing it with the other. The
reference here is the model itself in float: every int8 weight multiplied back by its
scale, run in float32. Whichever is closer to that is the more faithful rendering of the
model; the speed of each is reported beside it.

Every chunk the sample's script gives the voice (its intro, body and outro) is run through
each variant with the same noise. Reported: seconds, mel frames (the episode's length),
frames of duration away from the float model's summed over every symbol, and the mean
absolute mel difference on the chunks whose length came out the same.

Run: python bench/acoustic_kernels.py [POST]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def float_model(model: bytes) -> bytes:
    """``model`` with its int8 weights of fully connected and convolution layers stored in
    float32 (each value times its scale): the model as it was before quantization, give or
    take the rounding."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema  # type: ignore[import-untyped, unused-ignore]

    tree = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    graph = tree.subgraphs[0]
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    done: set[int] = set()
    for op in graph.operators:
        code = tree.operatorCodes[op.opcodeIndex]
        if names.get(max(code.builtinCode, code.deprecatedBuiltinCode)) not in ("FULLY_CONNECTED", "CONV_2D"):
            continue
        index = op.inputs[1]
        tensor = graph.tensors[index]
        if tensor.type != schema.TensorType.INT8 or index in done:
            continue
        done.add(index)
        buffer = tree.buffers[tensor.buffer]
        weights = np.frombuffer(bytes(bytearray(buffer.data)), np.int8).reshape(tensor.shape).astype(np.float32)
        scale = np.asarray(tensor.quantization.scale, np.float32)
        shape = [1] * weights.ndim
        shape[tensor.quantization.quantizedDimension] = -1
        weights = weights * (scale.reshape(shape) if scale.size > 1 else scale[0])
        buffer.data = np.frombuffer(weights.astype(np.float32).tobytes(), np.uint8)
        tensor.type = schema.TensorType.FLOAT32
        tensor.quantization = None
    builder = flatbuffers.Builder(0)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def sample_chunks(post: Path) -> list[tuple[Any, float]]:
    """The voice's model calls for ``post``'s script: (chunk, model rate) in order."""
    from podcast.config import load_show
    from podcast.parse import read_post
    from podcast.pipeline import Context, write_script
    from podcast.render import voicing
    from podcast.speech.offline import normalize

    show = load_show(ROOT / "podcast.toml")
    parsed = read_post(post, aliases=show.aliases)
    context = Context(show)
    script, _ = write_script(parsed, context)
    engine: Any = context.engine
    voices = context.voices(parsed.language)
    chunks = []
    for segment in script.segments:
        for text, prosody in voicing.parts(segment, script, voices, engine):
            for piece in normalize.speakable_zh(text, engine.lexicon).pieces:
                if piece.lang == "zh":
                    rate = prosody.rate / prosody.pitch
                    chunks += [(chunk, rate) for chunk in engine.plan(piece.text, prosody).chunks]
    return chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("post", nargs="?", type=Path, default=ROOT / "episodes" / "lossless-compression.md")
    args = parser.parse_args()

    from ai_edge_litert.interpreter import Interpreter, OpResolverType  # type: ignore[import-untyped, unused-ignore]

    from podcast.speech.offline import assets, chunk_seed, install, model

    folder = install()
    voice = model.BakerModel(folder, threads=1)
    chunks = sample_chunks(args.post)
    quantized = assets.read_verified(folder, assets.ACOUSTIC)
    reference = float_model(quantized)
    builtin = {"experimental_op_resolver_type": OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES}
    variants = {
        "float model, builtin kernels (reference)": (reference, builtin),
        "int8 weights, builtin hybrid kernels": (quantized, builtin),
        "int8 weights, XNNPACK": (quantized, {}),
    }
    results: dict[str, list[tuple[Any, Any]]] = {}
    seconds: dict[str, float] = {}
    for name, (content, options) in variants.items():
        interpreter = Interpreter(model_content=content, num_threads=1, **options)
        interpreter.allocate_tensors()
        voice._acoustic = interpreter
        voice._inputs = {d["name"]: d["index"] for d in interpreter.get_input_details()}
        voice._outputs = {d["name"]: d["index"] for d in interpreter.get_output_details()}
        started = time.perf_counter()
        results[name] = [
            voice.mel(voice.lexicon.ids(chunk.symbols), rng=np.random.default_rng(chunk_seed(0, chunk)), rate=rate)
            for chunk, rate in chunks
        ]
        seconds[name] = time.perf_counter() - started
    truth = results[next(iter(variants))]
    symbols = sum(len(d) for _, d in truth)
    print(f"{len(chunks)} model calls, {symbols} symbols; one thread each")
    for name, found in results.items():
        off = sum(int(np.abs(d - t).sum()) for (_, d), (_, t) in zip(found, truth, strict=True))
        pairs = zip(found, truth, strict=True)
        same = [float(np.mean(np.abs(m - t))) for (m, _), (t, _) in pairs if m.shape == t.shape]
        frames = sum(m.shape[1] for m, _ in found)
        print(
            f"{name}: {seconds[name]:.2f} s, {frames} frames; durations {off} frames off the reference's; "
            f"mel error {np.mean(same):.3f} on {len(same)} same-length calls"
        )


if __name__ == "__main__":
    main()
