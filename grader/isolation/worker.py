"""The learner's process: imports the submission and calls its functions for the judge.

Nothing here is secret and nothing here is trusted. The judge sends inputs, this process sends back
what the learner's functions returned (as plain tensors, through grader.wire), and the judge compares.
The reference solutions and the expected values never exist in this process.
"""

from __future__ import annotations

import importlib.util
import io
import os
import resource
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any, Callable

import torch

from grader.isolation import landlock, privileges, wire  # (imported in the zygote: kl-drill's files are hidden after)

_SPAWN_EVENTS = {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
                 "subprocess.Popen", "pty.spawn"}


class _Refused(PermissionError):
    pass


def _set_limits(limits: dict) -> None:
    mb = 1024 * 1024
    for name, value in (
        ("RLIMIT_AS", limits.get("memory_mb", 0) * mb),
        ("RLIMIT_CPU", limits.get("cpu_seconds", 0)),
        ("RLIMIT_FSIZE", limits.get("file_mb", 0) * mb),
        ("RLIMIT_CORE", 0),
        ("RLIMIT_MSGQUEUE", 0),  # no POSIX message queue (they outlive the process)
    ):
        if value or name in ("RLIMIT_CORE", "RLIMIT_MSGQUEUE"):
            try:
                resource.setrlimit(getattr(resource, name), (value, value))
            except (ValueError, OSError):
                pass


def _install_guard(hidden: list[str]) -> None:
    """Refuse, by audit hook, what no honest submission needs (a deterrent: see docs/how-grading-works.md)."""
    hidden_roots = tuple(os.path.realpath(h) + os.sep for h in hidden)
    me = str(os.getpid())

    def hook(event: str, args: tuple) -> None:
        if event == "open" and isinstance(args[0], (str, bytes)):
            path = os.fsdecode(args[0])
            real = os.path.realpath(path) + os.sep
            if real.startswith(hidden_roots):
                raise _Refused(f"reading {path} is not allowed in a submission")
            for candidate in (os.path.abspath(path), real):  # /proc/N/fd/1 resolves out of /proc
                parts = candidate.split(os.sep)
                if len(parts) > 2 and parts[1] == "proc" and parts[2] not in (me, "self", "thread-self") \
                        and parts[2].isdigit():
                    raise _Refused("reading other processes is not allowed in a submission")
        elif event == "import":
            name = args[0]
            if name == "solutions" or name.startswith(("solutions.", "grader.checks", "grader.judging.judge",
                                                       "grader.reference")):
                raise ImportError(f"importing {name} is not allowed in a submission")
        elif event in _SPAWN_EVENTS:
            raise _Refused("starting processes is not allowed in a submission")

    sys.addaudithook(hook)


def _where(tb: Any, files: dict[str, str]) -> str:
    """'k3.py:7' (reads the same in every language) for the innermost frame in the learner's files
    (``files``: real path -> its path inside the submission, 'submission/solution.py' in a sub-folder)."""
    found = ""
    for frame in traceback.extract_tb(tb):
        if frame.filename in files:
            found = f"{files[frame.filename]}:{frame.lineno}"
    return found


def _describe(exc: BaseException, files: dict[str, str]) -> dict:
    if isinstance(exc, SyntaxError) and exc.filename in files:
        where = f"{files[exc.filename]}:{exc.lineno}"
        message = exc.msg
    else:
        where = _where(exc.__traceback__, files)
        message = str(exc)
    if isinstance(exc, SystemExit):
        message = f"exit code {exc.code!r}"
    if len(message) > 500:
        message = message[:500] + "..."
    return {"type": type(exc).__name__, "message": message, "where": where}


class Runner:
    def __init__(self, spec: dict) -> None:
        self.files = {name: os.path.realpath(f) for name, f in spec["files"].items()}
        root = os.path.realpath(spec["path"])
        # real path -> the path errors name (inside the submission: "submission/solution.py")
        self.shown_as = {f: os.path.relpath(f, root) if f.startswith(root + os.sep) else Path(f).name
                         for f in self.files.values()}
        self.modules: dict[str, Any] = {}  # path -> module, or a description of its import error

    def _module(self, path: str) -> Any:
        if path not in self.modules:
            stem = Path(path).stem
            name = stem if stem.isidentifier() and stem not in sys.modules else f"_kldrill_{abs(hash(path))}"
            folder = os.path.dirname(path)
            if folder not in sys.path:  # a file in a sub-folder imports its siblings, as when run there
                sys.path.insert(0, folder)
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
                self.modules[path] = module
            except BaseException as exc:  # noqa: BLE001 - learner code may raise anything, even SystemExit
                sys.modules.pop(name, None)
                self.modules[path] = _describe(exc, self.shown_as)
        return self.modules[path]

    def function(self, exercise: str, name: str) -> tuple[str, Any]:
        path = self.files.get(exercise)
        if path is None:
            return "missing", None
        module = self._module(path)
        if isinstance(module, dict):
            return "error", module
        fn = module.__dict__.get(name)
        if fn is None:
            return "missing", None
        if not callable(fn):
            return "error", {"type": "TypeError", "message": f"{name} is a {type(fn).__name__}, not a function",
                             "where": ""}
        return "ok", fn

    def load(self, request: dict) -> dict:
        status, detail = self.function(request["exercise"], request["function"])
        return {"status": status, "error": detail if status == "error" else None}

    def call(self, request: dict) -> dict:
        status, fn = self.function(request["exercise"], request["function"])
        if status != "ok":
            return {"ok": False, "error": fn or {"type": "Missing", "message": "", "where": ""}}
        args = request["args"]
        grad_flags = request.get("grad") or [False] * len(args)
        if request.get("device") == "meta":  # shapes, dtypes and devices only: no values exist there
            return self._call_meta(fn, args, request.get("returns", 1))
        call_args = [a.detach().clone().requires_grad_(True) if g else a for a, g in zip(args, grad_flags)]
        pristine = [a.detach().clone() if isinstance(a, torch.Tensor) else a for a in call_args]
        layout = _layouts(call_args)
        count = request.get("returns", 1)
        try:
            out = fn(*call_args)
            outs, error = _results(out, count)
            if error is not None:
                return {"ok": False, "error": error}
            grads = None
            if any(grad_flags):
                wanted = [a for a, g in zip(call_args, grad_flags) if g]
                go = request["grad_output"]
                gos = [go] if count == 1 else list(go)
                # grad of sum_i (out_i * go_i).sum() is the same vector-Jacobian product as grad(out, ...,
                # go), without the tensor grad_outputs path that imports sympy (0.5 s per fresh process).
                # A result with no grad_output (None: e.g. dpo_loss's detached rewards) takes no part.
                terms = [(o * g).sum() for o, g in zip(outs, gos)
                         if g is not None and o.requires_grad and o.shape == g.shape]
                if terms:
                    got = torch.autograd.grad(sum(terms), wanted, allow_unused=True)
                    grads = [g.detach() if g is not None else None for g in got]
                else:
                    grads = [None] * len(wanted)
            sent = outs[0].detach() if count == 1 else [o.detach() for o in outs]
            flags = bool(outs[0].requires_grad) if count == 1 else [bool(o.requires_grad) for o in outs]
            after = [a.detach() if isinstance(a, torch.Tensor) else a for a in call_args]
            # Unchanged inputs are not sent back (None): the statistics checks' inputs are megabytes.
            if _unchanged(pristine, after) and _layouts(after) == layout:
                return {"ok": True, "out": sent, "requires_grad": flags, "args_after": None, "grads": grads}
            return {"ok": True, "out": sent, "requires_grad": flags,
                    "args_after": after, "grads": grads, "layout_before": layout, "layout_after": _layouts(after)}
        except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt, SystemExit, RecursionError...
            return {"ok": False, "error": _describe(exc, self.shown_as)}

    def drive(self, request: dict) -> dict:
        """A class exercise: construct the learner's object from ``args``, call ``update(*step)`` for each
        step, and read ``.value`` as a float after construction and after every update. Only those
        numbers go back, never the object."""
        status, cls = self.function(request["exercise"], request["function"])
        if status != "ok":
            return {"ok": False, "error": cls or {"type": "Missing", "message": "", "where": ""}}
        values: list[float] = []
        try:
            obj = cls(*request["args"])
            values.append(_number(obj))
            for step in request["steps"]:
                obj.update(*step)
                values.append(_number(obj))
            return {"ok": True, "values": values}
        except _NotANumber as exc:
            return {"ok": False, "error": {"type": "NotANumber", "message": str(exc), "where": ""},
                    "done": len(values)}
        except BaseException as exc:  # noqa: BLE001 - as in call()
            return {"ok": False, "error": _describe(exc, self.shown_as), "done": len(values)}

    def _call_meta(self, fn: Any, args: list, count: int = 1) -> dict:
        """Call on the inputs as tensors of a stand-in GPU (grader/isolation/stand_in.py: they say they are on
        the meta device, and their values can be read as a GPU's can): the reply says where the result is,
        its shape and dtype, and whether an input's shape or strides changed."""
        from grader.isolation import stand_in

        try:
            out, changed = stand_in.call(fn, args)
            outs, error = _results(out, count, allowed=stand_in.StandIn)  # (a list subclass's __len__ is learner code)
        except BaseException as exc:  # noqa: BLE001 - as in call()
            return {"ok": False, "error": _describe(exc, self.shown_as)}
        if error is not None:
            return {"ok": False, "error": error}
        shapes = [{"shape": list(o.shape), "dtype": str(o.dtype).replace("torch.", ""), "device": str(o.device)}
                  for o in outs]
        return {"ok": True, "out": None, "requires_grad": False, "grads": None, "args_after": None,
                "out_meta": shapes[0] if count == 1 else shapes,
                "inputs_changed": changed}


class _NotANumber(Exception):
    pass


def _number(obj: Any) -> float:
    """``obj.value`` as a Python float: a float, an int, a numpy scalar or a one-element tensor."""
    value = obj.value
    if isinstance(value, bool) or not hasattr(value, "__float__"):
        raise _NotANumber(type(value).__name__)
    return float(value)


def _results(out: Any, count: int, allowed: type | None = None) -> tuple[list, dict | None]:
    """The function's result as a list of ``count`` plain tensors (or ``allowed``'s, our own stand-ins), or
    the error to report instead.

    count 1: the result itself must be a tensor. count n > 1: a tuple (or list) of exactly n tensors
    (gae's (advantages, returns), dpo_loss's three). Only plain tensors cross to the judge."""
    plain = (torch.Tensor, allowed)
    if count == 1:
        if not isinstance(out, torch.Tensor):
            error = {"type": "NotATensor", "message": type(out).__name__, "where": ""}
            if type(out) in (int, float):  # lets the diagnosis recognise e.g. .mean().item()
                error["value"] = float(out)
            return [], error
        if type(out) not in plain:
            return [], {"type": "TensorSubclass", "message": type(out).__name__, "where": ""}
        return [out], None
    if not isinstance(out, (tuple, list)):
        return [], {"type": "NotATuple", "message": type(out).__name__, "where": ""}
    items = list(tuple.__iter__(out) if isinstance(out, tuple) else list.__iter__(out))  # once, not its __iter__
    if len(items) != count:
        return [], {"type": "WrongCount", "message": str(len(items)), "where": ""}
    for item in items:
        if not isinstance(item, torch.Tensor):
            return [], {"type": "NotATensor", "message": type(item).__name__, "where": ""}
        if type(item) not in plain:
            return [], {"type": "TensorSubclass", "message": type(item).__name__, "where": ""}
    return items, None


def _layouts(tensors: list) -> list:
    """Each tensor argument's strides and storage offset (the wire sends values only, contiguous)."""
    return [{"stride": list(t.stride()), "offset": int(t.storage_offset())} if isinstance(t, torch.Tensor)
            else None for t in tensors]


def _unchanged(before: list, after: list) -> bool:
    """Whether the call left every tensor argument's shape and values as they were (NaN counts as equal
    to NaN); strides are compared by the caller, against those before the call."""
    for b, a in zip(before, after):
        if isinstance(b, torch.Tensor):
            if a.shape != b.shape or a.dtype != b.dtype or a.layout != b.layout:
                return False
            if not torch.equal(a, b) and not bool(((a == b) | (a.isnan() & b.isnan())).all()):
                return False  # (torch.equal first: it is fast, and only NaN makes it say no wrongly)
    return True


def warm_up_meta() -> None:
    """Run one operation on the stand-in GPU, for the zygote to do once before it forks: the first one
    imports what it needs (torch.overrides, pytree, Python dispatch), which every learner process would
    otherwise pay for its device check."""
    from grader.isolation import stand_in

    stand_in.call(lambda x: torch.where(x > 0, torch.expm1(x) - x, x * 2.0).sum().item(), [torch.zeros(2)])


def serve(runner: Runner, req_fd: int, resp_fd: int) -> None:
    handlers: dict[str, Callable[[dict], dict]] = {"load": runner.load, "call": runner.call, "drive": runner.drive}
    me = os.getpid()
    while True:
        try:
            request, _ = wire.receive(req_fd)
        except wire.Closed:
            return
        op = request.get("op")
        if op == "bye":
            return
        reply = handlers[op](request)
        if os.getpid() != me:
            os._exit(0)  # a copy the learner forked (e.g. through ctypes) must never answer the judge
        reply["id"] = request.get("id")
        try:
            wire.send(resp_fd, reply)
        except TypeError as exc:  # e.g. a dtype the wire does not carry
            wire.send(resp_fd, {"id": request.get("id"), "ok": False,
                                "error": {"type": "Unsendable", "message": str(exc), "where": ""}})


def _close_other_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _closed_ancestor(path: str) -> str | None:
    """The highest folder above (or at) ``path`` that other users cannot pass through, if any."""
    parts = Path(path).parts
    for i in range(2, len(parts) + 1):
        folder = os.path.join(*parts[:i])
        try:
            if not os.stat(folder).st_mode & 0o001:
                return folder
        except OSError:
            return None
    return None


def _private_view(hidden: list[str], python: list[str]) -> None:
    """In this process's own mount namespace (as root): kl-drill's files replaced by empty read-only
    folders, and Python made reachable for the unprivileged uid where it sits under a closed folder
    (pyenv under /root, say): that folder becomes an empty one with Python's folders bound back."""
    privileges.mount("none", "/", None, privileges.MS_REC | privileges.MS_PRIVATE)
    covered: list[str] = []
    for path in sorted(hidden, key=lambda p: p.count(os.sep)):
        if any(Path(path).is_relative_to(c) for c in covered):
            continue  # inside a folder already covered (a wheel's reference inside its package)
        covered.append(path)
        if os.path.isdir(path):
            privileges.mount("tmpfs", path, "tmpfs", privileges.MS_RDONLY | privileges.MS_NOSUID
                             | privileges.MS_NODEV, "size=4k,mode=0555")
        else:
            privileges.mount("/dev/null", path, None, privileges.MS_BIND)
    closed: dict[str, list[str]] = {}
    for folder in python:
        top = _closed_ancestor(folder)
        if top is not None:
            closed.setdefault(top, []).append(folder)
    for top, inner in closed.items():
        keep = [(d, os.open(d, os.O_PATH)) for d in inner]  # reachable once the top is covered
        privileges.mount("tmpfs", top, "tmpfs", privileges.MS_NOSUID | privileges.MS_NODEV, "mode=0755")
        for d, fd in keep:
            os.makedirs(d, mode=0o755, exist_ok=True)
            privileges.mount(f"/proc/self/fd/{fd}", d, None, privileges.MS_BIND | privileges.MS_REC)
            os.close(fd)


def _bounded_tmpfs(path: str, spec: dict, uid: int | None) -> None:
    """A tmpfs of the submission's disk budget (bytes and files) at ``path``, private to ``uid``."""
    disk = spec.get("disk") or {}
    owner = f",uid={uid},gid={uid}" if uid is not None else ""
    privileges.mount("tmpfs", path, "tmpfs", privileges.MS_NOSUID | privileges.MS_NODEV,
                     f"size={int(disk.get('bytes', 64 << 20))},nr_inodes={int(disk.get('files', 1024))},"
                     f"mode=0700{owner}")


def _isolate(spec: dict) -> str:
    """Put this freshly forked process where learner code may run; returns its working folder.

    In a sandbox: join its namespaces, then fork, so that the learner's process is inside its pid
    namespace (the parent returns to nothing: it exits); its only writable folder is a tmpfs of the
    disk budget. As root without a sandbox, where the judge found namespaces allowed (``namespaces``):
    a mount namespace of its own with kl-drill's files replaced by empty read-only folders, no network,
    an IPC namespace, and the working folder a tmpfs of the disk budget. As root in both cases: an
    unprivileged uid of the submission's own. Always: no capabilities, no set-uid gains, no System V
    IPC, no internet socket (privileges.filter_syscalls); without a sandbox, Landlock where the judge asked for it (``landlock``: what may be read and
    written). Whatever the judge asked for is done, or this raises, and no learner code runs.
    """
    uid = spec.get("uid")
    privileges.die_with_parent()
    if spec.get("sandbox_pid"):
        workdir = "/tmp/work"

        def bounded_tmp() -> None:  # in the sandbox's mount namespace, with the capabilities over it
            os.mkdir(workdir, 0o700)
            _bounded_tmpfs(workdir, spec, uid)
            # bubblewrap's /tmp read-only: the bounded folder is the only writable place.
            privileges.mount("none", "/tmp", None, privileges.MS_REMOUNT | privileges.MS_BIND
                             | privileges.MS_RDONLY | privileges.MS_NOSUID | privileges.MS_NODEV)

        privileges.enter_namespaces(int(spec["sandbox_pid"]), bounded_tmp)
        child = os.fork()
        if child != 0:
            # The learner's process lives in the sandbox's pid namespace; this one stays the zygote's
            # child until it ends (were it to exit first, the zygote would adopt it as an orphan).
            os.closerange(0, 1 << 16)
            _, status = os.waitpid(child, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        privileges.die_with_parent()
    else:
        workdir = spec["workdir"]
        if spec.get("namespaces"):
            privileges.unshare(privileges.CLONE_NEWNS | privileges.CLONE_NEWNET | privileges.CLONE_NEWIPC)
            _private_view(spec.get("hidden", []), spec.get("python", []))
            _bounded_tmpfs(workdir, spec, uid)
        elif uid is not None:  # a container without CAP_SYS_ADMIN: the uid (and Landlock) hold
            blocked = [d for d in spec.get("python", []) if _closed_ancestor(d)]
            if blocked:
                raise OSError(f"the unprivileged uid cannot read {blocked[0]}, and no mount namespace "
                              f"could be made to show it: use the sandbox, or install Python where "
                              f"every user can read it")
    if uid is not None:
        privileges.become(uid)
        # The uid is this submission's alone, so this bounds its processes, not the user's.
        resource.setrlimit(resource.RLIMIT_NPROC, (64, 64))
    else:
        try:
            privileges.drop_capabilities()  # what joining a user namespace granted
        except OSError:
            pass  # none to drop (no sandbox)
    privileges.no_new_privs()
    try:
        privileges.filter_syscalls()
    except OSError:
        if spec.get("syscall_filter", True):
            raise  # (the judge knows this architecture: the filter must hold)
    if spec.get("landlock"):
        rules = spec["landlock"]
        landlock.restrict(rules["read"] + [spec["path"]], rules["write"] + [workdir], rules.get("abi"))
    return workdir


def _fatal(resp_fd: int, message: str) -> None:
    try:
        wire.send(resp_fd, {"id": None, "fatal": message})
    finally:
        os._exit(71)


def _seed_generators() -> None:
    """The same submission gets the same verdict even when it draws random numbers (a dropout, a "robust"
    label flip): every learner process starts its generators from one seed, and the judge's calls come in a
    fixed order, so the draws repeat from one grading to the next. Repeated calls still draw anew, which is
    how the nondeterministic diagnosis sees them."""
    import random

    random.seed(0)
    torch.manual_seed(0)
    numpy = sys.modules.get("numpy")  # torch imports it; a learner's np.random would otherwise be unseeded
    if numpy is not None:
        numpy.random.seed(0)


def run(spec: dict, req_fd: int, resp_fd: int, out_fd: int) -> None:
    """Entry point in the freshly forked process; never returns."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    _close_other_fds({0, 1, 2, req_fd, resp_fd})
    try:
        workdir = _isolate(spec)
    except Exception as exc:  # noqa: BLE001 - reported to the judge; no learner code has run
        _fatal(resp_fd, f"{type(exc).__name__}: {exc}")
    # Unbuffered, so a killed process loses nothing it printed.
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True, errors="replace")
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True, errors="replace")
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
                       "OMP_NUM_THREADS": "1"})
    tempfile.tempdir = workdir
    torch.set_num_threads(1)
    sys.path.insert(0, spec["path"])
    sys.argv = ["submission"]
    sys.dont_write_bytecode = True  # grading leaves the learner's folder as it was
    _set_limits(spec.get("limits", {}))
    _seed_generators()
    _install_guard(spec.get("hidden", []))
    code = 0
    try:
        serve(Runner(spec), req_fd, resp_fd)
    except BaseException:  # noqa: BLE001 - the judge sees the channel close either way
        code = 70
    os._exit(code)
