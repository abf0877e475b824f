using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>
    /// What happens to a map after it is taken: released twice (KD204), handed on in every way C# builds a value
    /// around it (no KD103), bound by every pattern form (no KD103).
    /// </summary>
    public class MapOwnershipTests
    {
        [Fact]
        public Task ReleasedTwiceOnOnePath() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Twice(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    {|KD204:pte.Unlock()|};
                    return 0;
                }

                int TwiceAcrossABranch(Pmd pmd, ulong addr, bool early)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (early)
                        pte.Unlock();
                    else
                        pte.Unlock();
                    {|KD204:pte.Unlock()|};
                    return 0;
                }

                void PmdLockTwice(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    ptl.Unlock();
                    {|KD204:ptl.Unlock()|};
                }

                // Dispose after Unlock is idempotent by contract: `using` with an early Unlock is fine.
                int UsingWithEarlyUnlock(Pmd pmd, ulong addr)
                {
                    using var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }

                // Released on one branch only, then on the other: once per path.
                int OncePerPath(Pmd pmd, ulong addr, bool early)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (early)
                    {
                        pte.Unlock();
                        return 1;
                    }

                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task OwnershipGoesOnThroughEveryValueBuiltAroundTheMap() => Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;

            sealed record Mapped(PteMap Pte, int Index);

            sealed class Holder
            {
                public PteMap? Pte;
            }

            class C
            {
                private PteMap? kept;

                (PteMap?, int) Tuple(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return (null, -Errno.EAGAIN);
                    return (pte, 0);
                }

                Mapped? Record(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return null;
                    return new Mapped(pte, 1);
                }

                Holder? Initializer(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    return pte is null ? null : new Holder { Pte = pte };
                }

                PteMap[] Array(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return System.Array.Empty<PteMap>();
                    return new[] { pte };
                }

                List<PteMap> Collection(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return new List<PteMap>();
                    return [pte];
                }

                int Out(Pmd pmd, ulong addr, out PteMap? result)
                {
                    result = pmd.MapLock(addr);
                    return result is null ? -Errno.EAGAIN : 0;
                }

                int Field(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    kept = pte;
                    return 0;
                }

                // A tuple kept in a local and dropped is still a leak.
                int DroppedTuple(Pmd pmd, ulong addr)
                {
                    var pte = {|KD103:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    var pair = (pte, 0);
                    return pair.Item2;
                }
            }
            """);

        [Fact]
        public Task EveryPatternThatBindsTheResultIsTheMap() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int CaseVar(Pmd pmd, ulong addr)
                {
                    switch (pmd.MapLock(addr))
                    {
                        case null:
                            return -Errno.EAGAIN;
                        case var pte:
                            pte.Unlock();
                            return 0;
                    }
                }

                int CaseEmptyProperty(Pmd pmd, ulong addr)
                {
                    switch (pmd.MapLock(addr))
                    {
                        case { } pte:
                            pte.Unlock();
                            return 0;
                        default:
                            return -Errno.EAGAIN;
                    }
                }

                int CaseType(Pmd pmd, ulong addr)
                {
                    switch (pmd.MapLock(addr))
                    {
                        case PteMap pte:
                            pte.Unlock();
                            return 0;
                        default:
                            return -Errno.EAGAIN;
                    }
                }

                int IsVar(Pmd pmd, ulong addr)
                {
                    if (pmd.MapLock(addr) is var pte && pte != null)
                    {
                        pte.Unlock();
                        return 0;
                    }

                    return -Errno.EAGAIN;
                }

                int SwitchExpression(Pmd pmd, ulong addr) => pmd.MapLock(addr) switch
                {
                    null => -Errno.EAGAIN,
                    var pte => Release(pte),
                };

                int PropertyPattern(Pmd pmd, ulong addr)
                {
                    switch (pmd.MapLock(addr))
                    {
                        case null:
                            return -Errno.EAGAIN;
                        case { Index: 0 } first:
                            first.Unlock();
                            return 0;
                        case var other:
                            other.Unlock();
                            return 1;
                    }
                }

                static int Release(PteMap pte)
                {
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task AMapKeptFromOneIterationIsNotTheOthersReleasedMaps() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int FindPresent(Pmd pmd, ulong start, ulong end)
                {
                    PteMap? found = null;
                    ulong at = 0;
                    for (ulong addr = start; addr < end; addr += PageGeometry.PageSize)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            continue;
                        if (pte.Read(addr) is not null)
                        {
                            found = pte;
                            at = addr;
                            break;
                        }

                        pte.Unlock();
                    }

                    if (found is null)
                        return -Errno.ENOENT;
                    var entry = found.Read(at);
                    found.Unlock();
                    return entry is null ? 0 : 1;
                }

                int FirstMappedOf(Pmd pmd, ulong[] addrs)
                {
                    PteMap? kept = null;
                    foreach (var addr in addrs)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            continue;
                        if (addr % 2 == 0)
                        {
                            kept = pte;
                            break;
                        }

                        pte.Unlock();
                    }

                    if (kept != null)
                        kept.Unlock();
                    return 0;
                }

                int WhileWithAKeptMap(Pmd pmd, ulong addr, int tries)
                {
                    PteMap? kept = null;
                    while (tries-- > 0)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            return -Errno.EAGAIN;
                        if (tries == 1)
                        {
                            kept = pte;
                            break;
                        }

                        pte.Unlock();
                    }

                    kept?.Unlock();
                    return 0;
                }

                // Released on every path, then used: still reported.
                int UsedAfter(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return {|KD103:pte|}.Read(addr) is null ? 0 : 1;
                }
            }
            """);
    }
}
