"""Learner isolation: running untrusted submission code where it cannot reach the judge.

Threat model (docs/how-grading-works.md's table says, per mode, what holds and which test proves it):

- Learner code never shares a process with the judge. It runs in a process forked from a zygote that
  imported torch once (zygote.py, worker.py); the judge's handle on it is session.py. Only JSON and
  the raw bytes of plain tensors cross (wire.py), and the judge validates every reply (fields, types,
  sizes, tensor dtypes and shapes) before it uses any of it. Every write to the learner has a deadline.
- What a verdict rests on is decided by the judge from what it receives: values, shapes, dtypes,
  gradients. What only the learner's process can report about itself (an input changed in place, the
  device of a meta result) is a teaching check, and says so (judge.TEACHING_CHECKS).
- The judge and the zygote run ``python -I`` from ``/``; what must stay hidden is computed once, in the
  judge, from the installed package (hidden.py), and what may be seen likewise (view.py). Each
  submission is copied before its code runs (snapshot.py) into a private folder, and graded from the copy.
- The judge decides the mode before any code runs (modes.py), the learner's process carries it out or
  runs nothing (worker.py), and every verdict names it:
  - sandbox (sandbox.py): bubblewrap builds, per submission, pid, network, IPC and mount namespaces
    showing only what view.py lists and the copy; the only writable folder is a tmpfs of the disk budget.
  - as root without it, where namespaces are allowed: a uid of the submission's own (uids.py), private
    mount, network and IPC namespaces with kl-drill's files covered, a tmpfs working folder; and Landlock.
  - as root where namespaces are refused (a container without CAP_SYS_ADMIN): the uid, kl-drill's files
    closed to it where the install did so (Gradescope's setup.sh), Landlock (landlock.py) where the
    kernel has it: reads only view.py's list and the copy, writes only its folder, executes nothing, no
    TCP (ABI 4), no signal or abstract socket out of its domain (ABI 6); a disk watch for the budget.
  - as an ordinary user without the sandbox: Landlock as above, or nothing ("none").
- Always: no capabilities, ``no_new_privs``, resource limits, a seccomp filter refusing System V IPC and
  internet sockets, a minimal environment from the exec, the parent-death signal (set again after the
  uid change); the judge, the zygote and the command line are not dumpable; the zygote answers only the
  judge.
- As root, a supervisor outside the judge (supervisor.py) holds each learner uid: if the judge dies, it
  kills the uid's processes and removes what they left (reaper.py) before the uid is let go; the judge
  does the same after each submission, and lets a uid go only when none of its processes is left.
- Not covered: an ordinary user without bubblewrap or Landlock (the code can read that user's files,
  the reference among them, and signal that user's processes); a Python audit hook refuses the obvious
  ways (worker.py) as a tripwire only.
"""
