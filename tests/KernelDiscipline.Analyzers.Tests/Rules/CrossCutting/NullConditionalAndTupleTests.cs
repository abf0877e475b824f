using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>
    /// What is known of a map survives tuples and null-conditional access (issue 27, family 3): a deconstruction gives
    /// each element to its own target, a positional pattern tests each element of the tuple it matches (a tuple itself is
    /// never null), <c>x?.M()</c> is null on the path where x was, and a null receiver of <c>pmd?.MapLock(a)</c> means the
    /// map was never made.
    /// </summary>
    public class NullConditionalAndTupleTests
    {
        [Fact]
        public Task DeconstructionGivesEachElementToItsTarget() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                PteMap? saved;
                int count;

                static (PteMap?, int) Helper() => (null, 0);

                // Two maps of one class nested is KD202; both are released on every path (no KD103).
                int TwoMaps(Pmd x, Pmd y, ulong a)
                {
                    var (p, q) = (x.MapLock(a), {|KD202:y.MapLock(a)|});
                    p?.Unlock();
                    q?.Unlock();
                    return 0;
                }

                int MapAndErrno(Pmd x, ulong a)
                {
                    var (p, err) = (x.MapLock(a), -Errno.EAGAIN);
                    if (p is null)
                        return err;
                    p.Unlock();
                    return 0;
                }

                int Nested(Pmd x, ulong a)
                {
                    var (p, (err, n)) = (x.MapLock(a), (-Errno.EAGAIN, 1));
                    if (p is null)
                        return err;
                    p.Unlock();
                    return n;
                }

                int Swap(Pmd x, ulong a)
                {
                    PteMap? p = x.MapLock(a);
                    PteMap? q = null;
                    (p, q) = (q, p);
                    if (q is null)
                        return -Errno.EAGAIN;
                    q.Unlock();
                    return 0;
                }

                // Stored into fields: handed on.
                int Fields(Pmd x, ulong a)
                {
                    (saved, count) = (x.MapLock(a), 1);
                    return 0;
                }

                // A tuple the engine does not see into: its parts are unknown, not the map they held before.
                int FromHelper(Pmd x, ulong a)
                {
                    var p = x.MapLock(a);
                    if (p is null)
                        return -Errno.EAGAIN;
                    p.Unlock();
                    int n;
                    (p, n) = Helper();
                    return n;
                }
            }
            """);

        [Fact]
        public Task DeconstructedMapsAreStillJudged() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Leak(Pmd x, ulong a)
                {
                    var (p, err) = ({|KD103:x.MapLock(a)|}, -Errno.EAGAIN);
                    if (p is null)
                        return err;
                    return 0;
                }

                int Unchecked(Pmd x, ulong a)
                {
                    var (p, err) = (x.MapLock(a), -Errno.EAGAIN);
                    {|KD101:p|}.Unlock();
                    return err;
                }

                int Efault(Pmd x, ulong a)
                {
                    var (p, err) = (x.MapLock(a), -Errno.EFAULT);
                    if (p is null)
                        return {|KD102:err|};
                    p.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task PositionalPatternsTestEachElement() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static int Release(PteMap pte, int ret)
                {
                    pte.Unlock();
                    return ret;
                }

                // The failed map always takes the -EAGAIN arm; the arms after it see a map.
                int SwitchExpression(Pmd pmd, ulong a)
                {
                    var pte = pmd.MapLock(a);
                    var ret = (pte, pte?.Read(a)) switch
                    {
                        (null, _) => -Errno.EAGAIN,
                        (_, null) => -Errno.ENOENT,
                        _ => 0,
                    };
                    pte?.Unlock();
                    return ret;
                }

                int Arms(Pmd pmd, ulong a)
                {
                    var pte = pmd.MapLock(a);
                    return (pte, pte?.Read(a)) switch
                    {
                        (null, _) => -Errno.EAGAIN,
                        (var m, null) => Release(m, -Errno.ENOENT),
                        (var m, _) => Release(m, 0),
                    };
                }

                int SwitchStatement(Pmd pmd, ulong a)
                {
                    var pte = pmd.MapLock(a);
                    switch (pte, pte?.Read(a))
                    {
                        case (null, _):
                            return -Errno.EAGAIN;
                        case (_, null):
                            pte.Unlock();
                            return -Errno.ENOENT;
                        default:
                            pte.Unlock();
                            return 0;
                    }
                }

                int IsPattern(Pmd pmd, ulong a)
                {
                    var pte = pmd.MapLock(a);
                    if ((pte, a) is (null, _))
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }

                int Binds(Pmd pmd, ulong a)
                {
                    var pte = pmd.MapLock(a);
                    if ((pte, a) is ({ } m, _))
                    {
                        m.Unlock();
                        return 0;
                    }

                    return -Errno.EAGAIN;
                }
            }
            """);

        [Fact]
        public Task PositionalPatternsStillJudgeTheFailedMap() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Efault(Pmd pmd, ulong a)
                {
                    var pte = pmd.MapLock(a);
                    var ret = (pte, pte?.Read(a)) switch
                    {
                        (null, _) => -Errno.EFAULT,
                        (_, null) => -Errno.ENOENT,
                        _ => 0,
                    };
                    pte?.Unlock();
                    return {|KD102:ret|};
                }
            }
            """);

        [Fact]
        public Task NullConditionalAccessKeepsTheFailedMapApart() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // `pte?.Read(a)` is null where pte is: past the test, the map is there.
                int ReadThrough(Pmd pmd, ulong a)
                {
                    var pte = pmd.MapLock(a);
                    if (pte?.Read(a) is null)
                    {
                        pte?.Unlock();
                        return -Errno.EAGAIN;
                    }

                    pte.Unlock();
                    return 0;
                }

                // A null receiver: the map was never made on that path.
                int NullReceiver(Pmd? pmd, ulong a)
                {
                    var pte = pmd?.MapLock(a);
                    if (pmd is null)
                        return -Errno.EAGAIN;
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task NullConditionalAccessStillJudgesTheMap() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Leak(Pmd? pmd, ulong a)
                {
                    var pte = pmd?{|KD103:.MapLock(a)|};
                    if (pmd is null)
                        return -Errno.EAGAIN;
                    return 0;
                }

                int Efault(Pmd? pmd, ulong a)
                {
                    var pte = pmd?.MapLock(a);
                    if (pte is null)
                        return {|KD102:-Errno.EFAULT|};
                    pte.Unlock();
                    return 0;
                }

                // Written after the `?.`: its null says nothing of the map made before.
                int Rewritten(Pmd? pmd, ulong a)
                {
                    var pte = pmd?{|KD103:.MapLock(a)|};
                    pmd = null;
                    if (pmd is null)
                        return -Errno.EAGAIN;
                    pte?.Unlock();
                    return 0;
                }
            }
            """);
    }
}
