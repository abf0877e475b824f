using System;
using System.Threading;
using KernelDiscipline.Runtime;
using UffdCopy;

// The copier races with khugepaged-style collapse and split of the destination's page tables; -EAGAIN is retried,
// and lockdep watches every lock taken.
Lockdep.Enable();
var mm = new MmStruct();
var vma = mm.Mmap(0x4000_0000, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
using var stop = new CancellationTokenSource();
var khugepaged = new Thread(() =>
{
    while (!stop.IsCancellationRequested)
    {
        mm.CollapseHugePage(vma.Start);
        mm.SplitHugePmd(vma.Start);
    }
});
khugepaged.Start();

int copied = 0, present = 0, retries = 0;
var page = new byte[PageGeometry.PageSize];
for (ulong address = vma.Start; address < vma.End; address += PageGeometry.PageSize)
{
    page[0] = (byte)(address >> PageGeometry.PageShift);
    int result;
    while ((result = Copier.CopyPage(mm, vma, address, page)) == -Errno.EAGAIN)
        retries++;
    if (result == 0)
        copied++;
    else if (result == -Errno.EEXIST)
        present++; // khugepaged collapsed and split the table meanwhile: the page is there already
}

stop.Cancel();
khugepaged.Join();
Console.WriteLine($"copied {copied} pages, {present} already present, {retries} retries after a failed map; " +
    $"first page present: {Copier.IsPresent(mm, vma.Start)}; no lockdep report");
