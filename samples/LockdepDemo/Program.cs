using System;
using System.Threading;
using KernelDiscipline.Runtime;

// Two threads move a page between two address spaces, each taking the two PTLs in its own order:
// the classic AB/BA inversion of UFFDIO_MOVE without double_pt_lock. Lockdep reports it the first time
// the second order is seen, before the threads ever deadlock.
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

Console.WriteLine("Both moves finished; the fix is LockOrder.DoubleLock (double_pt_lock), which orders the two PTLs.");
