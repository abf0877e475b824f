using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD206
{
    /// <summary>KD206 (Call a method only under the locks its contract names): code that keeps the rule, on which nothing is reported.</summary>
    public class KD206Valid
    {
        [Fact]
        public Task ContractsKept() => Verify.VerifyAnalyzerAsync("""
            static class Vmas
            {
                [MustHold("mm.MmapLock", Shared = true)]
                public static int CountVmas(MmStruct mm) => mm.FindVma(0) is null ? 0 : 1;

                [MustHold("mm.MmapLock")]
                public static void Unmap(MmStruct mm) => mm.FindVma(0);

                [MustHold("mm.MmapLock", Shared = true)]
                public static int Twice(MmStruct mm) => CountVmas(mm) + CountVmas(mm); // its own contract covers its calls

                public static int ForRead(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    try
                    {
                        return CountVmas(mm);
                    }
                    finally
                    {
                        mm.MmapLock.UpRead();
                    }
                }

                public static int WriterMayRead(MmStruct mm)
                {
                    mm.MmapLock.DownWrite();
                    int n = CountVmas(mm);
                    Unmap(mm);
                    mm.MmapLock.UpWrite();
                    return n;
                }

                public static int Asserted(MmStruct mm)
                {
                    Lockdep.AssertHeld(mm.MmapLock);
                    return CountVmas(mm);
                }

                public static int Other(MmStruct mm, MmStruct other)
                {
                    using (other.MmapLock.ReadScope())
                        return CountVmas(other);
                }
            }

            sealed class Cache
            {
                private readonly object gate = new();

                [MustNotHold(nameof(gate))]
                public void Refill()
                {
                    lock (gate)
                    {
                    }
                }

                public void Outside()
                {
                    lock (gate)
                    {
                    }

                    Refill();
                }
            }

            sealed class Pager
            {
                private readonly KernelMutex mutex = new(LockClass.Declare("pager", LockKind.Sleeping, 0));

                [MustHold(nameof(mutex))]
                public void DropAndRetake()
                {
                    mutex.Unlock();
                    mutex.Lock();
                }
            }
            """);
    }
}
