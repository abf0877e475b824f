using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.UndoBeforeErrorExitCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD302
{
    /// <summary>KD302's fix, UndoBeforeErrorExitCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD302CodeFix
    {
        [Fact]
        public Task FixUndoesRightBeforeTheErrorExit() => Verify.VerifyCodeFixAsync("""
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
        public Task NoFixWhereTheExitIsSharedWithPathsThatNeverCharged() => Verify.VerifyCodeFixAsync("""
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
        public Task AConsumersOwnChargesTakePartAndAnUndoThatDoesNotExistGetsNoFix() => Verify.VerifyCodeFixAsync("""
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

        [Fact]
        public Task ALabelOnlyErrorsReachIsAnErrorExitWhateverTheErrno() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int TwoErrors(Pmd pmd, ulong addr, Folio folio, bool full)
                {
                    int ret;
                    folio.Get();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        folio.Put();
                        return -Errno.EAGAIN;
                    }

                    if (full)
                    {
                        ret = -Errno.ENOMEM;
                        goto out_unlock;
                    }

                    if (pte.Read(addr) is not null)
                    {
                        ret = -Errno.EEXIST;
                        goto out_unlock;
                    }

                    pte.Unlock();
                    return 0;
                out_unlock:
                    pte.Unlock();
                    {|KD302:return ret;|}
                }
            }
            """, """
            class C
            {
                int TwoErrors(Pmd pmd, ulong addr, Folio folio, bool full)
                {
                    int ret;
                    folio.Get();
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                    {
                        folio.Put();
                        return -Errno.EAGAIN;
                    }

                    if (full)
                    {
                        ret = -Errno.ENOMEM;
                        goto out_unlock;
                    }

                    if (pte.Read(addr) is not null)
                    {
                        ret = -Errno.EEXIST;
                        goto out_unlock;
                    }

                    pte.Unlock();
                    return 0;
                out_unlock:
                    pte.Unlock();
                    folio.Put();
                    return ret;
                }
            }
            """);

        [Fact]
        public Task NoFixAtALabelTheSuccessPathSharesNorForManyCharges() => Verify.VerifyCodeFixAsync("""
            class C
            {
                // The label is shared with the success path, which keeps the reference: an undo there would drop it too.
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
                        goto out_unlock;
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                    {|KD302:return ret;|}
                }

                // How many references are held is not known: one Put does not undo them.
                int Many(Folio folio, int n, bool bad)
                {
                    for (int i = 0; i < n; i++)
                        folio.Get();
                    if (bad)
                        {|KD302:return -Errno.EFAULT;|}
                    return 0;
                }
            }
            """, """
            class C
            {
                // The label is shared with the success path, which keeps the reference: an undo there would drop it too.
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
                        goto out_unlock;
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                    {|KD302:return ret;|}
                }

                // How many references are held is not known: one Put does not undo them.
                int Many(Folio folio, int n, bool bad)
                {
                    for (int i = 0; i < n; i++)
                        folio.Get();
                    if (bad)
                        {|KD302:return -Errno.EFAULT;|}
                    return 0;
                }
            }
            """);
    }
}
