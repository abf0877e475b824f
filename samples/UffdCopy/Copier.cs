using KernelDiscipline.Runtime;

namespace UffdCopy;

/// <summary>
/// A userfaultfd-style copier (UFFDIO_COPY): installs a page of bytes at an address of another address space,
/// the way mm/userfaultfd.c's mfill_atomic_install_pte() does — before the fixes its review asked for.
/// </summary>
public static class Copier
{
    /// <summary>Installs <paramref name="bytes"/> as the page at <paramref name="address"/>: 0, -EEXIST, or an error.</summary>
    public static int CopyPage(MmStruct dst, Vma dstVma, ulong address, byte[] bytes)
    {
        var folio = Folio.Alloc();
        folio.Write(0, 0, bytes);
        var pmd = dst.PmdAlloc(address);
        pmd.PteAlloc();
        var pte = pmd.MapLock(address);
        if (pte is null)
            return -Errno.EFAULT;          // the table went away: the caller could have retried; the folio leaks
        if (pte.Read(address) is not null)
            return -Errno.EEXIST;          // returns with the page table lock held, and the folio
        folio.AddRmap();
        pte.Write(address, Pte.Make(folio, 0, dstVma.IsWritable));
        pte.Unlock();
        return 0;
    }

    /// <summary>Whether a page is present, read without the lock.</summary>
    public static bool IsPresent(MmStruct mm, ulong address)
    {
        var pmd = mm.PmdOffset(address);
        if (pmd is null)
            return false;
        var pte = pmd.Map(address);
        bool present = pte.Read(address) is not null;   // the map may have failed
        pte.Dispose();
        return present;
    }
}
