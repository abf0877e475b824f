using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;
using VerifyFix = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.UndoBeforeErrorExitCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    public class KD302Tests
    {
        [Fact]
        public Task BlocksAccountedAndNotGivenBack() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // Seed 001: the blocks were accounted, the copy failed, the error path forgot them.
                int Fill(ShmemInode inode, bool copied)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    if (!copied)
                        {|KD302:return -Errno.ENOENT;|}
                    inode.UnacctBlocks(1);
                    return 0;
                }

                VmFault Fault(ShmemInode inode, bool full)
                {
                    if (inode.AcctBlocks(1) != 0)
                        return VmFault.SigBus;
                    if (full)
                        {|KD302:return VmFault.Oom;|}
                    return VmFault.None;
                }
            }
            """);

        [Fact]
        public Task PageCacheEntryNotDeletedOnTheSharedErrorLabel() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static int Install(Folio folio) => 0;

                // Seed 001 before the review: delete_from_page_cache vanished from the path that needs it.
                int Fill(ShmemInode inode, long index)
                {
                    int ret = inode.AcctBlocks(1);
                    if (ret < 0)
                        return ret;
                    var folio = Folio.Alloc();
                    ret = inode.AddToPageCache(index, folio);
                    if (ret < 0)
                        goto out_release;
                    ret = Install(folio);
                    if (ret < 0)
                        goto out_release;
                    return 0;
                out_release:
                    folio.Put();
                    inode.UnacctBlocks(1);
                    {|KD302:return ret;|}
                }
            }
            """);

        [Fact]
        public Task AFolioReferenceDroppedOnTheFloor() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static bool Copy(Folio folio) => true;

                int Copy(ulong src)
                {
                    var folio = Folio.Alloc();
                    if (!Copy(folio))
                        {|KD302:return -Errno.EFAULT;|}
                    folio.Put();
                    return 0;
                }

                bool Take(Folio folio, bool busy)
                {
                    folio.Get();
                    if (busy)
                        {|KD302:return false;|}
                    folio.Put();
                    return true;
                }

                void Throws(Folio folio, bool bad)
                {
                    folio.Get();
                    if (bad)
                        {|KD302:throw new System.InvalidOperationException();|}
                    folio.Put();
                }
            }
            """);

        [Fact]
        public Task PinsNotUnpinned() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                long Pin(MmStruct mm, ulong addr, Folio?[] pages, bool bad)
                {
                    long pinned = Gup.PinUserPages(mm, addr, pages.Length, GupFlags.None, pages);
                    if (pinned <= 0)
                        return pinned;
                    if (bad)
                        {|KD302:return -Errno.EINVAL;|}
                    return pinned;
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
        public Task FixUndoesRightBeforeTheErrorExit() => VerifyFix.VerifyCodeFixAsync("""
            class C
            {
                int Fill(ShmemInode inode, bool copied, int n)
                {
                    int ret = inode.AcctBlocks(n);
                    if (ret < 0)
                        return ret;
                    if (!copied)
                        {|KD302:return -Errno.ENOENT;|}
                    inode.UnacctBlocks(n);
                    return 0;
                }

                int Copy(bool ok)
                {
                    var folio = Folio.Alloc();
                    if (!ok)
                    {
                        {|KD302:return -Errno.EFAULT;|}
                    }

                    folio.Put();
                    return 0;
                }

                void Throws(Folio folio, bool bad)
                {
                    folio.Get();
                    if (bad)
                        {|KD302:throw new System.InvalidOperationException();|}
                    folio.Put();
                }
            }
            """, """
            class C
            {
                int Fill(ShmemInode inode, bool copied, int n)
                {
                    int ret = inode.AcctBlocks(n);
                    if (ret < 0)
                        return ret;
                    if (!copied)
                    {
                        inode.UnacctBlocks(n);
                        return -Errno.ENOENT;
                    }
                    inode.UnacctBlocks(n);
                    return 0;
                }

                int Copy(bool ok)
                {
                    var folio = Folio.Alloc();
                    if (!ok)
                    {
                        folio.Put();
                        return -Errno.EFAULT;
                    }

                    folio.Put();
                    return 0;
                }

                void Throws(Folio folio, bool bad)
                {
                    folio.Get();
                    if (bad)
                    {
                        folio.Put();
                        throw new System.InvalidOperationException();
                    }
                    folio.Put();
                }
            }
            """);

        [Fact]
        public Task NoFixWhereTheExitIsSharedWithPathsThatNeverCharged() => VerifyFix.VerifyCodeFixAsync("""
            class C
            {
                static int Install(Folio folio) => 0;

                int Fill(ShmemInode inode, long index, Folio folio)
                {
                    int ret = inode.AddToPageCache(index, folio);
                    if (ret < 0)
                        goto out_;
                    ret = Install(folio);
                    if (ret < 0)
                        goto out_;
                    return 0;
                out_:
                    {|KD302:return ret;|}
                }
            }
            """, """
            class C
            {
                static int Install(Folio folio) => 0;

                int Fill(ShmemInode inode, long index, Folio folio)
                {
                    int ret = inode.AddToPageCache(index, folio);
                    if (ret < 0)
                        goto out_;
                    ret = Install(folio);
                    if (ret < 0)
                        goto out_;
                    return 0;
                out_:
                    {|KD302:return ret;|}
                }
            }
            """);
        [Fact]
        public Task AConsumersOwnChargesTakePartAndAnUndoThatDoesNotExistGetsNoFix() => VerifyFix.VerifyCodeFixAsync("""
            class Quota
            {
                [Charges("quota", When = ChargeSuccess.ZeroResult, Undo = nameof(Release))]
                public int Reserve(int n) => 0;

                [Uncharges("quota")]
                public void Release(int n) { }

                [Charges("tokens", Undo = "NoSuchMethod")]
                public void Take() { }
            }

            class C
            {
                int Use(Quota quota, bool bad)
                {
                    if (quota.Reserve(2) != 0)
                        return -Errno.ENOSPC;
                    if (bad)
                        {|KD302:return -Errno.EIO;|}
                    quota.Release(2);
                    return 0;
                }

                int Tokens(Quota quota, bool bad)
                {
                    quota.Take();
                    if (bad)
                        {|KD302:return -Errno.EIO;|}
                    return 0;
                }
            }
            """, """
            class Quota
            {
                [Charges("quota", When = ChargeSuccess.ZeroResult, Undo = nameof(Release))]
                public int Reserve(int n) => 0;

                [Uncharges("quota")]
                public void Release(int n) { }

                [Charges("tokens", Undo = "NoSuchMethod")]
                public void Take() { }
            }

            class C
            {
                int Use(Quota quota, bool bad)
                {
                    if (quota.Reserve(2) != 0)
                        return -Errno.ENOSPC;
                    if (bad)
                    {
                        quota.Release(2);
                        return -Errno.EIO;
                    }
                    quota.Release(2);
                    return 0;
                }

                int Tokens(Quota quota, bool bad)
                {
                    quota.Take();
                    if (bad)
                        {|KD302:return -Errno.EIO;|}
                    return 0;
                }
            }
            """);
}
}
