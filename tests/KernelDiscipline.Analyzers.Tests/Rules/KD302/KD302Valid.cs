using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD302
{
    /// <summary>KD302 (Undo what the method charged before it returns an error): code that keeps the rule, on which nothing is reported.</summary>
    public class KD302Valid
    {
        [Fact]
        public Task ChargesTakenAndUndoneThroughNullConditionalCalls() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static bool Copy(Folio? folio) => true;

                // A null `maybe` was charged nothing at Get, and is given back nothing at Put.
                int UndoThroughConditional(Folio? maybe)
                {
                    maybe?.Get();
                    if (!Copy(maybe))
                    {
                        maybe?.Put();
                        return -Errno.ENOENT;
                    }

                    maybe?.Put();
                    return 0;
                }

                int AllocMaybe(ShmemInode inode, long index, Folio? hint)
                {
                    var folio = hint ?? Folio.Alloc();
                    if (inode.AddToPageCache(index, folio) != 0)
                    {
                        folio?.Put();
                        return -Errno.ENOMEM;
                    }

                    return 0;
                }

                int Acct(ShmemInode? inode, Folio folio)
                {
                    if (inode is null)
                        return -Errno.EINVAL;
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    if (!Copy(folio))
                    {
                        inode?.UnacctBlocks(1);
                        return -Errno.EFAULT;
                    }

                    return 0;
                }
            }
            """);

        [Fact]
        public Task TheReviewedShapes() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static int Install(Folio folio) => 0;
                static bool Copy(Folio folio) => true;

                // Seed 001 after the review: every error path gives back what it took, in reverse order.
                int Fill(ShmemInode inode, long index, ref Folio? filled)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    var folio = Folio.Alloc();
                    if (!Copy(folio))
                    {
                        filled = folio; // handed to the caller, who retries with it
                        inode.UnacctBlocks(1);
                        return -Errno.ENOENT;
                    }

                    ret = inode.AddToPageCache(index, folio);
                    if (ret < 0)
                        goto out_release;
                    ret = Install(folio);
                    if (ret < 0)
                        goto out_delete;
                    return 0; // success keeps the charges: the PTE owns the folio, the cache its entry
                out_delete:
                    inode.DeleteFromPageCache(index, folio);
                out_release:
                    folio.Put();
                    inode.UnacctBlocks(1);
                    return ret;
                }

                // The failed charge took nothing.
                VmFault Fault(ShmemInode inode)
                {
                    if (inode.AcctBlocks(1) < 0)
                        return VmFault.SigBus;
                    var folio = Folio.Alloc();
                    if (inode.AddToPageCache(0, folio) != 0)
                    {
                        folio.Put();
                        inode.UnacctBlocks(1);
                        return VmFault.None;
                    }

                    return VmFault.None;
                }

                // Returned, stored or kept on success; an unknown result is not an error exit.
                Folio Allocate() => Folio.Alloc();

                Folio? kept;

                int Keep(Folio folio, bool bad)
                {
                    folio.Get();
                    kept = folio;
                    return bad ? -Errno.EINVAL : 0;
                }

                int Unknown(ShmemInode inode, int other)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    ret = other;
                    return ret;
                }

                long Pin(MmStruct mm, ulong addr, Folio?[] pages, bool bad)
                {
                    long pinned = Gup.PinUserPages(mm, addr, pages.Length, GupFlags.None, pages);
                    if (pinned <= 0)
                        return pinned;
                    if (bad)
                    {
                        Gup.UnpinUserPages(pages, (int)pinned);
                        return -Errno.EINVAL;
                    }

                    return pinned;
                }

                // try/finally gives it back on every path.
                int Finally(ShmemInode inode, bool bad)
                {
                    if (inode.AcctBlocks(1) != 0)
                        return -Errno.ENOSPC;
                    try
                    {
                        if (bad)
                            return -Errno.EIO;
                        return 0;
                    }
                    finally
                    {
                        inode.UnacctBlocks(1);
                    }
                }
            }
            """);
            [Fact]
        public Task RetriesLoopsSwitchesAndLambdasThatUndo() => Verify.VerifyAnalyzerAsync("""
            using System;
            class C
            {
                static int Helper(ShmemInode inode) => -Errno.EAGAIN;

                int Retry(ShmemInode inode, Pmd pmd, ulong addr)
                {
                retry:
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        inode.UnacctBlocks(1);
                        goto retry;
                    }

                    pte.Unlock();
                    return 0;
                }

                int Loop(ShmemInode inode, int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (inode.AcctBlocks(1) != 0)
                        {
                            if (i > 0)
                                inode.UnacctBlocks(i);
                            return -Errno.ENOSPC;
                        }
                    }

                    return 0;
                }

                int Using(ShmemInode inode, Folio folio)
                {
                    int ret = inode.AddToPageCache(0, folio);
                    if (ret != 0)
                        return ret;
                    ret = Helper(inode);
                    if (ret == -Errno.EAGAIN)
                    {
                        inode.DeleteFromPageCache(0, folio);
                        return ret;
                    }

                    return 0;
                }

                long Switch(ShmemInode inode, int kind)
                {
                    if (inode.AcctBlocks(1) < 0)
                        return -Errno.ENOSPC;
                    switch (kind)
                    {
                        case 0:
                            inode.UnacctBlocks(1);
                            return -Errno.EINVAL;
                        default:
                            return 0;
                    }
                }

                int Lambda(ShmemInode inode)
                {
                    if (inode.AcctBlocks(1) < 0)
                        return -Errno.ENOSPC;
                    Action undo = () => inode.UnacctBlocks(1);
                    undo();
                    return -Errno.EINTR;
                }
            }
            """);

        [Fact]
        public Task LabelsThatUndoOnEveryErrorPath() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static int Check(PteMap pte, ulong addr) => pte.Read(addr) is null ? 0 : -Errno.EEXIST;

                // The ladder in order: out_unlock falls through into out_unacct.
                int Ladder(ShmemInode inode, Pmd pmd, ulong addr)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret != 0)
                        goto done;
                    var pte = pmd.MapLock(addr);
                    ret = -Errno.EAGAIN;
                    if (pte is null)
                        goto out_unacct;
                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto out_unlock;
                    ret = 0;
                    pte.Unlock();
                    goto done;
                out_unlock:
                    pte.Unlock();
                out_unacct:
                    inode.UnacctBlocks(1);
                done:
                    return ret;
                }

                // The error path gives the reference back before the shared label; the success path keeps it installed.
                int InstallJoined(Pmd pmd, ulong addr, Folio folio)
                {
                    int ret;
                    folio.Get();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        folio.Put();
                        return -Errno.EAGAIN;
                    }

                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                    {
                        folio.Put();
                        goto out_unlock;
                    }

                    pte.Write(addr, Pte.Make(folio, 0, true));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                    return ret;
                }

                // An error from a helper, tested, through a label whose paths all undo.
                int Helper(ShmemInode inode, Pmd pmd, ulong addr)
                {
                    int err = inode.AcctBlocks(1);
                    if (err < 0)
                        return err;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        inode.UnacctBlocks(1);
                        return -Errno.EAGAIN;
                    }

                    err = Check(pte, addr);
                    if (err < 0)
                        goto out_unlock;
                    pte.Unlock();
                    return 0;
                out_unlock:
                    pte.Unlock();
                    inode.UnacctBlocks(1);
                    return err;
                }

                // The success path takes the reference (and keeps it); the error path that shares the label took none.
                int SuccessKeeps(Folio folio, bool ok)
                {
                    int ret = -Errno.EINVAL;
                    if (!ok)
                        goto done;
                    folio.Get();
                    ret = 0;
                done:
                    return ret;
                }
            }
            """);
    }
}
