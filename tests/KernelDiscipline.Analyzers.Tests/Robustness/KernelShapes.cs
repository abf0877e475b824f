namespace KernelDiscipline.Analyzers.Tests.Robustness
{
    /// <summary>A corpus of Runtime-using code, correct and broken, for the mutation test.</summary>
    internal static class KernelShapes
    {
        public static readonly string[] Sources =
        {
            """
            class Shapes
            {
                int Fill(Pmd pmd, ulong addr, Folio folio)
                {
                    int ret = -Errno.EAGAIN;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto out_unlock;
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                out_:
                    return ret;
                }

                VmFault Fault(Pmd pmd, ulong addr)
                {
                    using var pte = pmd.MapLock(addr);
                    if (pte is null) return VmFault.NoPage;
                    try { return pte.Read(addr) is null ? VmFault.SigBus : VmFault.None; }
                    finally { Kernel.WarnOnOnce(addr == 0); }
                }

                void Loop(MmStruct mm, ulong start, ulong end)
                {
                    for (ulong a = start; a < end; a += PageGeometry.PmdSize)
                    {
                        var pmd = mm.PmdOffset(a);
                        switch (pmd?.GetLockless().Kind)
                        {
                            case PmdKind.Huge:
                                var ptl = pmd!.TransHugeLock(null!);
                                ptl?.Unlock();
                                break;
                            case PmdKind.Table:
                                while (true)
                                {
                                    var pte = pmd!.MapLock(a);
                                    if (pte == null) continue;
                                    pte.Unlock();
                                    break;
                                }
                                break;
                            default:
                                continue;
                        }
                    }
                }

                Func<Pmd, int> Lambda() => pmd => pmd.MapLock(0) is { } m ? Release(m) : -Errno.EAGAIN;

                static int Release(PteMap m) { m.Unlock(); return 0; }

                int Broken(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    pte!.Unlock();
                    pmd.Map(addr);
                    var again = pmd.MapNoLock(addr, out var lockp);
                    if (again is null) throw new InvalidOperationException();
                    lockp!.Lock();
                    if (!again.PmdSame()) { lockp.Unlock(); again.Dispose(); return -Errno.EFAULT; }
                    lockp.Unlock();
                    return again.Read(addr) is null ? 0 : 1;
                }
            }
            """,
        };
    }
}
