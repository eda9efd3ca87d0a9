"""Learner isolation: running untrusted submission code where it cannot reach the judge.

Threat model (the README's table says which test proves each line, in which mode):

- Learner code never shares a process with the judge. It runs in a process forked from a zygote that
  imported torch once (zygote.py, worker.py); the judge's handle on it is session.py. Only JSON and
  the raw bytes of plain tensors cross (wire.py), and the judge validates every reply (fields, types,
  sizes, tensor dtypes and shapes) before it uses any of it.
- The judge and the zygote run ``python -I`` from ``/``; what must stay hidden is computed once, in the
  judge, from the installed package (hidden.py). Each submission is copied before its code runs
  (snapshot.py), and graded from the copy.
- Sandbox (the default where bubblewrap works; sandbox.py): per submission, bubblewrap builds a pid
  namespace, an empty network namespace, a private /tmp and a file system of only the system's
  libraries, Python and its site-packages and the copy; the learner's process joins them
  (privileges.enter_namespaces). Ending the sandbox's pid 1 ends every process the submission started.
- As root: the learner's process becomes an unprivileged uid of the submission's own (uids.py); without
  a sandbox, it also gets a private mount namespace in which kl-drill's files are empty read-only
  folders, and no network, where the kernel allows one. Everything of that uid is killed at the end.
- Always: no capabilities, ``no_new_privs``, resource limits, a minimal environment from the exec; the
  judge, the zygote and the command line are not dumpable.
- Not covered, as an ordinary user without bubblewrap: the code can read that user's files (the
  reference among them), signal that user's processes and use the network. A Python audit hook refuses
  the obvious ways (worker.py) as a tripwire only.
"""
