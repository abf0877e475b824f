// The sign of an errno on the kernel's exit paths (mfill_atomic's `goto out_unlock`, madvise's loops, the ternaries
// of the fill paths), and get_user_pages wrappers of a driver that carry the FOLL contract on their parameters.
using KernelDiscipline.Runtime;

public static class SignsCorpus
{
    // expect: KD304
    public static int InstallThroughOutUnlock(Pmd pmd, ulong addr, Folio folio)
    {
        int ret;
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        ret = Errno.EEXIST; // mfill_atomic_install_pte: -EEXIST when the entry is populated, sign lost
        if (pte.Read(addr) is not null)
            goto outUnlock;
        pte.Write(addr, Pte.Make(folio, 0, true));
        ret = 0;
    outUnlock:
        pte.Unlock();
        return ret;
    }

    // expect: none
    public static int InstallThroughOutUnlockNegated(Pmd pmd, ulong addr, Folio folio)
    {
        int ret;
        var pte = pmd.MapLock(addr);
        if (pte is null)
            return -Errno.EAGAIN;
        ret = -Errno.EEXIST;
        if (pte.Read(addr) is not null)
            goto outUnlock;
        pte.Write(addr, Pte.Make(folio, 0, true));
        ret = 0;
    outUnlock:
        pte.Unlock();
        return ret;
    }

    // expect: KD304
    public static int FirstBadRange(ulong[] starts, ulong[] ends)
    {
        int ret = 0;
        for (int i = 0; i < starts.Length; i++)
        {
            if (ends[i] <= starts[i])
            {
                ret = Errno.EINVAL;
                break;
            }
        }

        return starts.Length == 0 ? -Errno.ENOENT : ret;
    }

    // expect: KD304
    public static long CopiedOrFault(long copied, bool fault)
    {
        if (fault && copied == 0)
            return -Errno.EFAULT;
        return copied > 0 ? copied : Errno.ENOENT;
    }

    // expect: none
    public static long CopiedOrFaultNegated(long copied, bool fault)
    {
        if (fault && copied == 0)
            return -Errno.EFAULT;
        return copied > 0 ? copied : -Errno.ENOENT;
    }

    // expect: KD304
    public static long CopyRetrying(Userfaultfd uffd, ulong dst, ulong src)
    {
        long ret;
        do
        {
            ret = uffd.Copy(dst, src, PageGeometry.PageSize);
        }
        while (ret == Errno.EAGAIN); // never equal: the copy is never retried
        return ret;
    }

    // expect: none
    public static long CopyRetryingNegated(Userfaultfd uffd, ulong dst, ulong src)
    {
        long ret;
        while ((ret = uffd.Copy(dst, src, PageGeometry.PageSize)) == -Errno.EAGAIN)
        {
        }

        return ret;
    }

    // expect: KD304
    public static bool Transient(MmStruct mm, ulong addr)
    {
        int err = mm.CollapseHugePage(addr);
        return err is Errno.EAGAIN or Errno.EBUSY;
    }

    // expect: none
    public static bool TransientNegated(MmStruct mm, ulong addr)
    {
        int err = mm.CollapseHugePage(addr);
        return err is -Errno.EAGAIN or -Errno.EBUSY;
    }

    // expect: none
    public static int SentinelReplacedInTheLoop(ShmemInode file)
    {
        int ret = Errno.EAGAIN;
        while (ret == Errno.EAGAIN)
            ret = file.SizePages == 0 ? -Errno.ENOSPC : 0;
        return ret;
    }

    // expect: KD303
    public static long FaultInWithoutPages(DriverPages driver, ulong addr) =>
        driver.Get(addr, 1, GupFlags.Get | GupFlags.Write, null);

    // expect: KD303
    public static long PinWithGet(MmStruct mm, ulong addr, Folio?[] pages) =>
        DriverPages.PinLongterm(mm, addr, pages, GupFlags.Get);

    // expect: none
    public static long FaultInWithPages(DriverPages driver, ulong addr, Folio?[] pages)
    {
        long got = driver.Get(addr, 1, GupFlags.Get, pages);
        long populated = driver.Get(addr, 1, GupFlags.Populate, null);
        return got < 0 ? got : populated;
    }
}

public sealed class DriverPages
{
    private readonly MmStruct mm;

    public DriverPages(MmStruct mm) => this.mm = mm;

    // expect: none
    public long Get(ulong addr, int count, [FollFlags] GupFlags flags, [FollPages] Folio?[]? pages) =>
        Gup.GetUserPages(mm, addr, count, flags, pages);

    // expect: none
    public static long PinLongterm(MmStruct mm, ulong addr, [FollPages] Folio?[]? pages, [FollFlags(Implied = GupFlags.Pin)] GupFlags flags) =>
        Gup.PinUserPages(mm, addr, pages?.Length ?? 0, flags | GupFlags.Longterm, pages);
}
