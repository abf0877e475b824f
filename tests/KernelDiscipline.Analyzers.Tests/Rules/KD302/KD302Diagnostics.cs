using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD302
{
    /// <summary>KD302 (Undo what the method charged before it returns an error): code the rule flags, and where.</summary>
    public class KD302Diagnostics
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
    }
}
