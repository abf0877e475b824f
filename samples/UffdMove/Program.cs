// UFFDIO_MOVE under fire: pages of one anonymous range are moved to a registered range while a khugepaged-like
// thread collapses, migrates, splits and retracts the source page tables. Then UFFDIO_COPY into a tmpfs file with a
// block limit. Prints what happened: pages moved, retries by cause, errors by errno. Lockdep is on throughout.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using KernelDiscipline.Runtime;

const ulong Page = PageGeometry.PageSize;
const ulong Src = 0x4000_0000;
const ulong Dst = 0x8000_0000;
const int Pages = 2 * 512;

int reports = 0;
Lockdep.Enable(report => { reports++; Console.WriteLine(report.Text); });

var mm = new MmStruct();
mm.Mmap(Src, Pages * Page, VmFlags.Read | VmFlags.Write);
mm.Mmap(Dst, Pages * Page, VmFlags.Read | VmFlags.Write);
for (int i = 0; i < Pages; i++)
{
    var bytes = new byte[Page];
    BitConverter.TryWriteBytes(bytes, i);
    mm.Write(Src + ((ulong)i * Page), bytes);
}

var uffd = new Userfaultfd(mm);
Console.WriteLine($"register the destination: {uffd.Register(Dst, Pages * Page)}");

using var stop = new CancellationTokenSource();
var clock = Stopwatch.StartNew();
int mutations = 0;
var khugepaged = new Thread(() =>
{
    for (int round = 0; !stop.IsCancellationRequested && clock.Elapsed < TimeSpan.FromSeconds(10); round++)
    {
        ulong pmd = Src + ((ulong)(round % 2) * PageGeometry.PmdSize);
        int result = (round / 2 % 4) switch
        {
            0 => mm.CollapseHugePage(pmd),
            1 => mm.MigrateHugePage(pmd),
            2 => mm.SplitHugePmd(pmd),
            _ => mm.RetractPageTable(pmd),
        };
        if (result == 0)
        {
            mutations++;
        }
    }
}) { Name = "khugepaged" };
khugepaged.Start();

var errors = new Dictionary<string, int>();
long moved = 0;
for (int i = 0; i < Pages; i++)
{
    long result = uffd.Move(Dst + ((ulong)i * Page), Src + ((ulong)i * Page), Page);
    if (result > 0)
    {
        moved += result / (long)Page;
    }
    else
    {
        string name = "-" + (Errno.Name((int)result) ?? result.ToString());
        errors[name] = errors.GetValueOrDefault(name) + 1;
    }
}

stop.Cancel();
khugepaged.Join();

int intact = 0;
for (int i = 0; i < Pages; i++)
{
    var bytes = new byte[4];
    mm.Read(Dst + ((ulong)i * Page), bytes);
    intact += BitConverter.ToInt32(bytes) == i ? 1 : 0;
}

Console.WriteLine($"UFFDIO_MOVE: {moved} of {Pages} pages moved, {intact} intact at the destination, {mutations} page-table mutations raced with it");
Console.WriteLine($"  retries by cause: {uffd.Stats}");
Console.WriteLine($"  errors by errno: {(errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} x{e.Value}")))}");

// UFFDIO_COPY into tmpfs: four pages of room, eight asked for.
var file = new ShmemInode(sizePages: 8, maxBlocks: 4);
mm.MmapShmem(0xC000_0000, 8 * Page, file);
var shmemUffd = new Userfaultfd(mm);
shmemUffd.Register(0xC000_0000, 8 * Page);
long copied = shmemUffd.Copy(0xC000_0000, Dst, 8 * Page);
long again = shmemUffd.Copy(0xC000_0000 + (4 * Page), Dst, Page);
Console.WriteLine($"UFFDIO_COPY into tmpfs: {copied / (long)Page} pages copied (limit 4 blocks), then -{Errno.Name((int)again)} for the fifth; {file.UsedBlocks} blocks accounted, {file.CachedPages} pages cached");
Console.WriteLine($"lockdep reports: {reports}");
return reports == 0 && intact == Pages ? 0 : 1;
