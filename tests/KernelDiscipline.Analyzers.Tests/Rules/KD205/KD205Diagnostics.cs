using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD205
{
    /// <summary>KD205 (Hold the lock that guards the data): accesses the rule reports.</summary>
    public class KD205Diagnostics
    {
        [Fact]
        public Task AGenericTypesStaticsAreOnePerConstructedType() => Verify.VerifyAnalyzerAsync("""
            static class S<T>
            {
                public static readonly object Gate = new();

                [GuardedBy(nameof(Gate))]
                public static int State;
            }

            static class Users
            {
                static void Other()
                {
                    lock (S<int>.Gate)
                        {|#0:S<string>.State|} = 1;
                }

                static void Same()
                {
                    lock (S<int>.Gate)
                        S<int>.State = 1;
                }
            }
            """,
            Verify.Diagnostic("KD205").WithLocation(0).WithArguments("S<string>.State",
                "writes State, which is guarded by S.Gate, without holding it; take S.Gate exclusively around it, or declare the method [MustHold(\"S.Gate\")]"));

        [Fact]
        public Task MonitorGuardedFieldReadAndWrittenOutsideItsLock() => Verify.VerifyAnalyzerAsync("""
            sealed class Counter
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                public void Add() => {|#0:count|}++;

                public int Read() => {|#1:count|};

                public void Set(int value) => {|KD205:count|} = value;

                public void ReleasedOnOnePath(bool early)
                {
                    System.Threading.Monitor.Enter(gate);
                    if (early)
                    {
                        System.Threading.Monitor.Exit(gate);
                        {|KD205:count|} = 1;
                        return;
                    }

                    count = 2;
                    System.Threading.Monitor.Exit(gate);
                }

                public void AfterTheLock()
                {
                    lock (gate)
                    {
                        count++;
                    }

                    {|KD205:count|}--;
                }

                public void PassedByRef()
                {
                    System.Threading.Interlocked.Increment(ref {|KD205:count|});
                }

                public void OtherInstance(Counter other)
                {
                    lock (gate)
                    {
                        {|KD205:other.count|} = 0;
                    }
                }
            }
            """,
            Verify.Diagnostic("KD205").WithLocation(0).WithArguments("count", "writes count, which is guarded by gate, without holding it; take gate exclusively around it, or declare the method [MustHold(\"gate\")]"),
            Verify.Diagnostic("KD205").WithLocation(1).WithArguments("count", "reads count, which is guarded by gate, without holding it; take gate around it, or declare the method [MustHold(\"gate\", Shared = true)]"));

        [Fact]
        public Task RuntimeLocksAndReadWriteModes() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("table_sem", LockKind.Sleeping, 0)]

            sealed class Table
            {
                private readonly RwSemaphore sem = new(LockClass.Declare("table_sem", LockKind.Sleeping, 0));

                [GuardedBy(nameof(sem))]
                private int entries;

                public void WriteUnderRead()
                {
                    sem.DownRead();
                    {|#0:entries|} = 1;
                    sem.UpRead();
                }

                public int ReadUnderRead()
                {
                    sem.DownRead();
                    int n = entries;
                    sem.UpRead();
                    return n;
                }

                public void ScopedWrite()
                {
                    using (sem.ReadScope())
                    {
                        {|KD205:entries|}++;
                    }
                }
            }
            """,
            Verify.Diagnostic("KD205").WithLocation(0).WithArguments("entries", "writes entries while sem is held only for read; writing needs it held exclusively"));

        [Fact]
        public Task DotNetLockTypes() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;

            sealed class Services
            {
                private readonly SemaphoreSlim mutex = new(1, 1);
                private readonly ReaderWriterLockSlim rw = new();
                private SpinLock spin = new(false);
                private readonly Mutex named = new();

                [GuardedBy(nameof(mutex))] private int a;
                [GuardedBy(nameof(rw))] private int b;
                [GuardedBy(nameof(spin))] private int c;
                [GuardedBy(nameof(named))] private int d;

                public async Task SemaphoreNotTaken()
                {
                    await Task.Yield();
                    {|KD205:a|} = 1;
                }

                public bool TimedWaitFailed()
                {
                    if (!mutex.Wait(10))
                    {
                        {|KD205:a|} = 2;
                        return false;
                    }

                    a = 3;
                    mutex.Release();
                    return true;
                }

                public void WriteUnderReadLock()
                {
                    rw.EnterReadLock();
                    {|KD205:b|} = 1;
                    rw.ExitReadLock();
                }

                public int UpgradeableReadThenWriteWithoutUpgrade()
                {
                    rw.EnterUpgradeableReadLock();
                    {|KD205:b|}++;
                    int seen = b;
                    rw.ExitUpgradeableReadLock();
                    return seen + {|KD205:b|};
                }

                public void SpinNotTaken()
                {
                    bool taken = false;
                    spin.TryEnter(ref taken);
                    if (!taken)
                    {
                        {|KD205:c|} = 1;
                        return;
                    }

                    c = 2;
                    spin.Exit();
                }

                public void MutexReleasedEarly()
                {
                    named.WaitOne();
                    named.ReleaseMutex();
                    {|KD205:d|} = 1;
                }
            }
            """);

        [Fact]
        public Task PointeeAndStaticMembers() => Verify.VerifyAnalyzerAsync("""
            sealed class Buffers
            {
                private static readonly object registryLock = new();

                [GuardedBy(nameof(registryLock))]
                private static int registered;

                private readonly object gate = new();

                [PtGuardedBy(nameof(gate))]
                private readonly int[] data = new int[16];

                [PtGuardedBy(nameof(gate))]
                private readonly System.Collections.Generic.List<int> log = new();

                public static void Register() => {|KD205:registered|}++;

                public int Element(int i) => {|KD205:data[i]|};

                public void SetElement(int i) => {|KD205:data[i]|} = 1;

                public void Append(int value) => {|KD205:log.Add(value)|};

                public int Free() => data.Length;
            }
            """);

        [Fact]
        public Task ALocalFunctionCalledOnceWithoutTheLock() => Verify.VerifyAnalyzerAsync("""
            sealed class Counter
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                public void Run(bool late)
                {
                    lock (gate)
                        Outer();
                    if (late)
                        Outer();

                    void Outer() => Inner();

                    void Inner() => {|KD205:count|}++;
                }
            }
            """);

        [Fact]
        public Task LambdasRunWhereTheLockIsNotHeld() => Verify.VerifyAnalyzerAsync("""
            sealed class Deferred
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int value;

                public System.Action Later()
                {
                    lock (gate)
                    {
                        return () => {|KD205:value|}++;
                    }
                }

                public ref int Leak()
                {
                    lock (gate)
                    {
                        return ref {|KD205:value|};
                    }
                }
            }
            """);
    }
}
