using System;
using KernelDiscipline.Runtime;
using UffdCopy;

// Build this project to see the analyzers at work (dotnet build samples/UffdCopy --no-incremental):
// KD102 at the -EFAULT, KD103 at the MapLock that returns -EEXIST with the lock held, KD101 at the unchecked Map.
var mm = new MmStruct();
var vma = mm.Mmap(0x4000_0000, PageGeometry.PmdSize, VmFlags.Read | VmFlags.Write);
var page = new byte[PageGeometry.PageSize];
"copied by UffdCopy"u8.CopyTo(page);
Console.WriteLine($"copy: {Copier.CopyPage(mm, vma, vma.Start, page)}, present: {Copier.IsPresent(mm, vma.Start)}");
