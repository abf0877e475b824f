using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>Locks reached through the access paths users write: array elements, indexers, tuple elements, fields of fields.</summary>
    public class LockIdentityTests
    {
        [Fact]
        public Task ElementsTupleItemsAndNestedFieldsAreLocks() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;

            sealed class Pair
            {
                public Folio First = Folio.Alloc();
            }

            sealed class Owner
            {
                private readonly Pair pair = new Pair();

                public void NestedFieldLeft(bool fail)
                {
                    {|KD204:pair.First.Lock()|};
                    if (fail)
                        return;
                    pair.First.Unlock();
                }

                public void NestedFieldBalanced()
                {
                    pair.First.Lock();
                    pair.First.Unlock();
                }
            }

            class C
            {
                int ArrayElementLeftAtBreak(Folio[] folios)
                {
                    for (int i = 0; i < folios.Length; i++)
                    {
                        {|KD204:folios[i].Lock()|};
                        if (folios[i].IsLocked)
                            break;
                        folios[i].Unlock();
                    }

                    return 0;
                }

                int ConstantIndexLeftAtReturn(Folio[] folios, bool busy)
                {
                    {|KD204:folios[0].Lock()|};
                    if (busy)
                        return -Errno.EBUSY;
                    folios[0].Unlock();
                    return 0;
                }

                void IndexerTakenTwice(List<Folio> table, int k)
                {
                    table[k].Lock();
                    {|KD204:table[k].Lock()|};
                    table[k].Unlock();
                }

                void TupleItemLeft((Folio, Folio) pair, bool fail)
                {
                    {|KD204:pair.Item1.Lock()|};
                    if (fail)
                        return;
                    pair.Item1.Unlock();
                }

                // Each element locked and unlocked in its iteration; then all locked, all unlocked: balanced.
                void Balanced(Folio[] folios, List<Folio> table)
                {
                    for (int i = 0; i < folios.Length; i++)
                    {
                        folios[i].Lock();
                        folios[i].Unlock();
                    }

                    foreach (var folio in table)
                    {
                        folio.Lock();
                        folio.Unlock();
                    }

                    for (int i = 0; i < folios.Length; i++)
                        folios[i].Lock();
                    for (int i = 0; i < folios.Length; i++)
                        folios[i].Unlock();

                    // Two elements are two locks (not a double acquisition): two folio locks nested is KD202.
                    folios[0].Lock();
                    {|KD202:folios[1].Lock()|};
                    folios[1].Unlock();
                    folios[0].Unlock();
                }
            }
            """);

        // Writing any index of an element forgets the element's lock, the middle one of three included: the next
        // iteration's element is another lock, not the same one taken twice.
        [Fact]
        public Task EveryIndexOfAnElementNamesItsLock() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void AllLockedThenAllUnlocked(Folio[,,] grid, int n)
                {
                    for (int j = 0; j < n; j++)
                        grid[0, j, 0].Lock();
                    for (int j = 0; j < n; j++)
                        grid[0, j, 0].Unlock();
                }

                void SameElementTwice(Folio[,,] grid, int j)
                {
                    grid[0, j, 0].Lock();
                    {|KD204:grid[0, j, 0].Lock()|};
                    grid[0, j, 0].Unlock();
                }
            }
            """);
    }
}
