using KernelDiscipline.Runtime;

namespace UffdCopy;

/// <summary>
/// The copier of samples/UffdCopy with the review applied: a failed map is -EAGAIN (the caller retries), every path
/// out releases the page table lock, and the lockless map is checked before use.
/// </summary>
public static class Copier
{
    /// <summary>Installs <paramref name="bytes"/> as the page at <paramref name="address"/>: 0, -EEXIST, or -EAGAIN to retry.</summary>
    public static int CopyPage(MmStruct dst, Vma dstVma, ulong address, byte[] bytes)
    {
        var folio = Folio.Alloc();
        folio.Write(0, 0, bytes);
        var pmd = dst.PmdAlloc(address);
        if (pmd.GetLockless().IsHuge)
        {
            folio.Put();
            return -Errno.EEXIST; // as mfill_atomic does for a huge destination PMD
        }

        pmd.PteAlloc();
        var pte = pmd.MapLock(address);
        if (pte is null)
        {
            folio.Put();
            return -Errno.EAGAIN;
        }

        if (pte.Read(address) is not null)
        {
            pte.Unlock();
            folio.Put();
            return -Errno.EEXIST;
        }

        folio.AddRmap();
        pte.Write(address, Pte.Make(folio, 0, dstVma.IsWritable));
        pte.Unlock();
        return 0;
    }

    /// <summary>Whether a page is present, read without the lock.</summary>
    public static bool IsPresent(MmStruct mm, ulong address)
    {
        using var pte = mm.PmdOffset(address)?.Map(address);
        return pte is not null && pte.Read(address) is not null;
    }
}
