using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD207
{
    /// <summary>KD207 (Make lock annotations name what the analyses know): annotations the rule reports.</summary>
    public class KD207Diagnostics
    {
        [Fact]
        public Task AReturnedLockNamedAsNoLockItCanBe() => Verify.VerifyAnalyzerAsync("""
            sealed class Table
            {
                public readonly TicketLock Gate = new TicketLock(LockClass.PmdLock);
                public readonly object Other = new();

                [{|#0:Acquires(Target = LockTarget.ReturnValue, Returns = "Gaet")|}]
                public TicketLock Misspelt() => Gate;

                [{|#1:Acquires(Target = LockTarget.ReturnValue, Returns = nameof(Other))|}]
                public TicketLock WrongType() => Gate;

                [{|#2:Acquires(Target = LockTarget.ReturnValue, Returns = "other.Gaet")|}]
                public static TicketLock ThroughAParameter(Table other) => other.Gate;

                [{|#3:Acquires(Target = LockTarget.Arguments, Returns = nameof(Gate))|}]
                public static int NotTheReturnValue(TicketLock a) => 0;

                [{|#4:Acquires(Target = LockTarget.ReturnValue, Returns = nameof(Gate))|}]
                public void ReturnsNothing() { }

                [Fallible]
                [Acquires(Target = LockTarget.ReturnValue, Returns = nameof(Gate))]
                public TicketLock? MayFail() => null;

                [Acquires(Target = LockTarget.ReturnValue, Returns = "other.Gate")]
                public static TicketLock Right(Table other) => other.Gate;
            }
            """,
            Verify.Diagnostic("KD207").WithLocation(0).WithArguments("Acquires(Target = LockTarget.ReturnValue, Returns = \"Gaet\")",
                "'Gaet' in 'Gaet' names no member of Table and no parameter"),
            Verify.Diagnostic("KD207").WithLocation(1).WithArguments("Acquires(Target = LockTarget.ReturnValue, Returns = nameof(Other))",
                "'Other' is of type object and the method returns TicketLock: the returned lock cannot be it"),
            Verify.Diagnostic("KD207").WithLocation(2).WithArguments("Acquires(Target = LockTarget.ReturnValue, Returns = \"other.Gaet\")",
                "'Gaet' in 'other.Gaet' names no member of Table"),
            Verify.Diagnostic("KD207").WithLocation(3).WithArguments("Acquires(Target = LockTarget.Arguments, Returns = nameof(Gate))",
                "Returns names the lock a method returns, and this [Acquires] does not acquire its return value: add Target = LockTarget.ReturnValue, or remove Returns"),
            Verify.Diagnostic("KD207").WithLocation(4).WithArguments("Acquires(Target = LockTarget.ReturnValue, Returns = nameof(Gate))",
                "Returns names the lock a method returns, and this method returns nothing; remove Returns"));

        [Fact]
        public Task LockExpressionsThatNameNothingOrNoLock() => Verify.VerifyAnalyzerAsync("""
            sealed class Counter
            {
                private readonly object gate = new();
                private int plain;

                [{|#0:GuardedBy("gaet")|}]
                private int count;

                [{|#1:GuardedBy(nameof(plain))|}]
                private int other;

                [{|#2:PtGuardedBy(nameof(gate))|}]
                private int notAReference;

                [{|#3:MustHold("mm.MmapLok")|}]
                public static void Walk(MmStruct mm)
                {
                }

                [{|#4:MustNotHold("nothing")|}]
                public void Refill()
                {
                }

                [{|#6:MustHold(nameof(gate))|}]
                public static void StaticNamesInstance()
                {
                }

                [MustHold(null!)]
                public void NullIsNoExpression()
                {
                }
            }

            sealed class Statics
            {
                private readonly object gate = new();

                [{|#5:GuardedBy(nameof(gate))|}]
                private static int shared;
            }
            """,
            Verify.Diagnostic("KD207").WithLocation(0).WithArguments("GuardedBy(\"gaet\")", "'gaet' in 'gaet' names no member of Counter"),
            Verify.Diagnostic("KD207").WithLocation(1).WithArguments("GuardedBy(nameof(plain))", "'plain' is int, not a lock the analyses know (a Runtime lock, an object used with lock or Monitor, System.Threading.Lock, SemaphoreSlim, ReaderWriterLockSlim, SpinLock, Mutex)"),
            Verify.Diagnostic("KD207").WithLocation(2).WithArguments("PtGuardedBy(nameof(gate))", "[PtGuardedBy] guards what a reference refers to, and 'notAReference' is not a reference"),
            Verify.Diagnostic("KD207").WithLocation(3).WithArguments("MustHold(\"mm.MmapLok\")", "'MmapLok' in 'mm.MmapLok' names no member of MmStruct"),
            Verify.Diagnostic("KD207").WithLocation(4).WithArguments("MustNotHold(\"nothing\")", "'nothing' in 'nothing' names no member of Counter and no parameter"),
            Verify.Diagnostic("KD207").WithLocation(5).WithArguments("GuardedBy(nameof(gate))", "the static member 'shared' is guarded by the instance member 'gate'; name a static lock"),
            Verify.Diagnostic("KD207").WithLocation(6).WithArguments("MustHold(nameof(gate))", "the static method 'StaticNamesInstance' names the instance member 'gate', which no caller can hold for it; name a static lock or a parameter's"));

        [Fact]
        public Task LockClassesDeclaredNowhereOrWhereTheCompilerIgnoresThem() => Verify.VerifyAnalyzerAsync("""
            sealed class Cache
            {
                [{|#0:LockClass("cache_lock")|}]
                private readonly object gate = new();

                [{|#1:ContextUnsafe("")|}]
                public void Peek()
                {
                }
            }

            sealed class Pasted
            {
                [assembly: {|#2:LockClassDeclaration("pool_lock", LockKind.Spinning, 850)|}]
                [{|#3:LockClass("pool_lock")|}]
                private readonly object gate = new();
            }
            """,
            Verify.Diagnostic("KD207").WithLocation(0).WithArguments("LockClass(\"cache_lock\")", "the lock class 'cache_lock' is declared nowhere, so no order, nesting or sleeping check applies to it; declare it at the top of a file: [assembly: LockClassDeclaration(\"cache_lock\", LockKind.Sleeping, rank)]"),
            Verify.Diagnostic("KD207").WithLocation(1).WithArguments("ContextUnsafe(\"\")", "say why the unchecked accesses are safe: [ContextUnsafe] needs a reason, as the kernel's context_unsafe() needs a comment"),
            Verify.Diagnostic("KD207").WithLocation(2).WithArguments("LockClassDeclaration(\"pool_lock\", LockKind.Spinning, 850)", "an assembly attribute inside a type is ignored by the compiler (CS0657), and the lock class with it; move it to the top of a file, outside every type"),
            Verify.Diagnostic("KD207").WithLocation(3).WithArguments("LockClass(\"pool_lock\")", "the lock class 'pool_lock' is declared nowhere, so no order, nesting or sleeping check applies to it; declare it at the top of a file: [assembly: LockClassDeclaration(\"pool_lock\", LockKind.Sleeping, rank)]"));

        [Fact]
        public Task ThisOnAStaticMemberOrAValue() => Verify.VerifyAnalyzerAsync("""
            sealed class Page
            {
                [{|#0:GuardedBy("this")|}]
                private static int pages;

                [{|#1:MustHold("this")|}]
                public static void Count()
                {
                }
            }

            struct Slot
            {
                [{|#2:GuardedBy("this")|}]
                private int value;
            }
            """,
            Verify.Diagnostic("KD207").WithLocation(0).WithArguments("GuardedBy(\"this\")", "'this' names the owner of 'pages', which is static; name a static lock"),
            Verify.Diagnostic("KD207").WithLocation(1).WithArguments("MustHold(\"this\")", "'this' names the owner of 'Count', which is static; name a static lock"),
            Verify.Diagnostic("KD207").WithLocation(2).WithArguments("GuardedBy(\"this\")", "'this' is Slot, not a lock the analyses know"));
    }
}
