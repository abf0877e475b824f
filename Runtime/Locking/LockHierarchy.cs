using KernelDiscipline.Runtime;

// The mm lock order (outer to inner), after the "Lock ordering in mm" comment at the top of mm/rmap.c.
// This is the one source of truth: Lockdep reads it at run time, the analyzers read it from metadata.
// Ranks leave gaps so that consumers can place their own classes between the kernel's.
[assembly: LockClassDeclaration(LockClass.IRwsemName, LockKind.Sleeping, 100)]
[assembly: LockClassDeclaration(LockClass.MmapLockName, LockKind.Sleeping, 200)]
[assembly: LockClassDeclaration(LockClass.InvalidateLockName, LockKind.Sleeping, 300)]
[assembly: LockClassDeclaration(LockClass.FolioLockName, LockKind.Sleeping, 400)]
[assembly: LockClassDeclaration(LockClass.VmaLockName, LockKind.Sleeping, 500)]
[assembly: LockClassDeclaration(LockClass.IMmapRwsemName, LockKind.Sleeping, 600)]
[assembly: LockClassDeclaration(LockClass.AnonVmaRwsemName, LockKind.Sleeping, 700)]
[assembly: LockClassDeclaration(LockClass.PmdLockName, LockKind.Spinning, 800)]
[assembly: LockClassDeclaration(LockClass.PtlName, LockKind.Spinning, 900)]
[assembly: LockClassDeclaration(LockClass.PageTableLockName, LockKind.Spinning, 900)]
[assembly: LockClassDeclaration(LockClass.SwapLockName, LockKind.Spinning, 1000)]
[assembly: LockClassDeclaration(LockClass.IPagesName, LockKind.Spinning, 1100)]
[assembly: LockClassDeclaration(LockClass.LruLockName, LockKind.Spinning, 1200)]
// A live lockless map is an RCU read-side section: atomic, but not ordered against the locks.
[assembly: LockClassDeclaration(LockClass.RcuReadName, LockKind.Spinning, 0)]
