using System;
using System.Threading;
using KernelDiscipline.Runtime;

// `-- mermaid` or `-- dot`: print the shipped mm lock hierarchy (the README's diagram) and stop.
if (args.Length > 0)
{
    Console.Write(args[0] == "dot" ? LockGraph.DeclaredDot() : LockGraph.DeclaredMermaid());
    return;
}

// Two threads move a page between two address spaces, each taking the two PTLs in its own order: the AB/BA
// inversion of UFFDIO_MOVE without double_pt_lock. Lockdep needs no second thread to see it: the first move already
// nests two locks of one class (ptl) with no nesting notation, and is reported as "possible recursive locking"
// (naming both acquisitions, the thread, and the caller's line) before the second move's opposite order can deadlock.
// At the end the demo prints what lockdep saw: the classes, the chains, and the observed graph over the declared order.
Lockdep.Enable(report => Console.WriteLine(report.Text));

var src = new MmStruct();
var dst = new MmStruct();
const ulong At = 0x4000_0000;
src.Mmap(At, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
dst.Mmap(At, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
src.Write(At, "hello"u8);
dst.Write(At, "world"u8);

void Move(MmStruct from, MmStruct to)
{
    var fromMap = from.PmdOffset(At)!.MapLock(At);
    if (fromMap is null)
    {
        return;
    }

    var toMap = to.PmdOffset(At)!.MapLock(At); // second PTL of the same class, in caller order
    if (toMap != null)
    {
        toMap.Unlock();
    }

    fromMap.Unlock();
}

var first = new Thread(() => Move(src, dst));
first.Start();
first.Join();
var second = new Thread(() => Move(dst, src));
second.Start();
second.Join();

Console.WriteLine("Both moves finished; the fix is LockOrder.DoubleLock (double_pt_lock), which orders the two PTLs.\n");
var seen = Lockdep.Snapshot();
Console.WriteLine(seen.FormatClasses());
Console.WriteLine(seen.FormatChains());
Console.WriteLine(LockGraph.ObservedMermaid(seen));
