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
    }
}
