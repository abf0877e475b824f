using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD205
{
    /// <summary>KD205 (Hold the lock that guards the data): code that keeps the rule, on which nothing is reported.</summary>
    public class KD205Valid
    {
        /// <summary>The README's "Guarding data" example, as it stands (usings included): clean.</summary>
        [Fact]
        public Task TheReadmeExampleIsClean()
        {
            var readme = System.IO.File.ReadAllText(Repository.PathOf("README.md"));
            int section = readme.IndexOf("## Guarding data", System.StringComparison.Ordinal);
            int start = readme.IndexOf("```csharp\n", section, System.StringComparison.Ordinal) + "```csharp\n".Length;
            int end = readme.IndexOf("```", start, System.StringComparison.Ordinal);
            Assert.True(section >= 0 && start > section && end > start, "README.md has no example under ## Guarding data");
            return Verify.VerifyAnalyzerAsync(readme.Substring(start, end - start));
        }

        [Fact]
        public Task AGenericOwnersGuardThroughItsConstructedType() => Verify.VerifyAnalyzerAsync("""
            sealed class Box<T>
            {
                public readonly TicketLock Gate = new TicketLock(LockClass.PmdLock);

                [GuardedBy(nameof(Gate))]
                public int State;

                [Acquires(LockClass.PmdLockName, Target = LockTarget.ReturnValue, Returns = nameof(Gate))]
                public TicketLock Take()
                {
                    Gate.Lock();
                    return Gate;
                }
            }

            static class Users
            {
                static void ThroughTheResult(Box<int> b)
                {
                    var held = b.Take();
                    b.State++;
                    held.Unlock();
                }

                static void ReleasedByName(Box<string> b)
                {
                    b.Take();
                    b.State++;
                    b.Gate.Unlock();
                }

                static void Plain(Box<int> b)
                {
                    b.Gate.Lock();
                    b.State = 1;
                    b.Gate.Unlock();
                }
            }
            """);

        [Fact]
        public Task AGenericLocalFunctionCalledUnderTheLock() => Verify.VerifyAnalyzerAsync("""
            sealed class Counter
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                public void Run()
                {
                    lock (gate)
                        Outer();

                    void Inner<T>() => count++;
                    void Outer() => Inner<int>();
                }
            }
            """);

        [Fact]
        public Task MonitorShapes() => Verify.VerifyAnalyzerAsync("""
            sealed class Counter
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                public Counter() => count = 1; // not shared yet

                ~Counter() => count = 0;

                public void Add()
                {
                    lock (gate)
                        count++;
                }

                public int EarlyReturn(bool skip)
                {
                    lock (gate)
                    {
                        if (skip)
                            return count;
                        count++;
                        return count;
                    }
                }

                public void BreakOutOfALock(int[] values)
                {
                    foreach (var value in values)
                    {
                        lock (gate)
                        {
                            if (value < 0)
                                break;
                            count += value;
                        }
                    }
                }

                public void TryFinally()
                {
                    System.Threading.Monitor.Enter(gate);
                    try
                    {
                        count = 2;
                    }
                    finally
                    {
                        System.Threading.Monitor.Exit(gate);
                    }
                }

                public bool TimedTry()
                {
                    if (!System.Threading.Monitor.TryEnter(gate, 10))
                        return false;
                    count++;
                    System.Threading.Monitor.Exit(gate);
                    return true;
                }

                public void PerInstance(Counter other)
                {
                    lock (other.gate)
                        other.count = other.count + 1;
                }

                public int ReleasedOnOnePathOnly(bool early)
                {
                    System.Threading.Monitor.Enter(gate);
                    if (early)
                    {
                        int seen = count;
                        System.Threading.Monitor.Exit(gate);
                        return seen;
                    }

                    count = 3;
                    System.Threading.Monitor.Exit(gate);
                    return 0;
                }

                [MustHold(nameof(gate))]
                private void AddLocked() => count++;

                public void LocalFunctionCalledUnderTheLock()
                {
                    lock (gate)
                    {
                        Bump();
                        Bump();
                    }

                    void Bump() => count++;
                }

                public System.Action Later() => [MustHold(nameof(gate))] () => count++;

                [ContextUnsafe("read once at start-up, before any other thread sees the counter")]
                public int Peek() => count;

                public void Asserted()
                {
                    Lockdep.AssertHeld(gate);
                    count++;
                }
            }
            """);

        [Fact]
        public Task ANewObjectsInitializerIsNotShared() => Verify.VerifyAnalyzerAsync("""
            sealed class Node
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int value;

                public static Node Make(int first) => new Node { value = first };
            }
            """);

        [Fact]
        public Task ReenteringAMonitorHeldByContractOrAssertionOrOnItsOwn() => Verify.VerifyAnalyzerAsync("""
            sealed class Counter
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                [MustHold(nameof(gate))]
                private void ByContract()
                {
                    lock (gate)
                    {
                        count++;
                    }

                    count++;
                }

                public void Asserted()
                {
                    Lockdep.AssertHeld(gate);
                    lock (gate)
                        count++;
                    count++;
                }

                public void Nested()
                {
                    lock (gate)
                    {
                        lock (gate)
                        {
                            count++;
                        }

                        count++;
                    }
                }

                public void Outer()
                {
                    lock (gate)
                        ByContract();
                }
            }
            """);

        [Fact]
        public Task ALockStatementOnASystemThreadingLockHeldByContract() => Verify.VerifyAnalyzerAsync("""
            sealed class Modern
            {
                private readonly System.Threading.Lock gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                [MustHold(nameof(gate))]
                private void Bump()
                {
                    lock (gate)
                        count++;
                    count++;
                }

                public void Run()
                {
                    lock (gate)
                        Bump();
                }
            }
            """, null, TestProject.RunningFrameworkReferences);

        [Fact]
        public Task LocalFunctionsCalledThroughOtherLocalFunctionsAndLambdas() => Verify.VerifyAnalyzerAsync("""
            sealed class Counter
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                public void Run(int[] items)
                {
                    lock (gate)
                    {
                        Outer();
                        System.Array.ForEach(items, [MustHold(nameof(gate))] (int item) => Inner());
                    }

                    void Outer() => Inner();

                    void Inner() => count++;
                }
            }
            """);

        [Fact]
        public Task ALockCopiedToAnotherLocal() => Verify.VerifyAnalyzerAsync("""
            sealed class Node
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                public int Value;

                public Node? Next;

                public static Node Make() => new Node();

                public static void Copies()
                {
                    var n = Make();
                    lock (n.gate)
                    {
                        var m = n;
                        m.Value++;
                    }

                    var k = n;
                    lock (k.gate)
                        n.Value++;
                }
            }
            """);

        [Fact]
        public Task AConditionalLockNamesNoOneLock() => Verify.VerifyAnalyzerAsync("""
            sealed class Pair
            {
                private readonly object a = new();
                private readonly object b = new();

                [GuardedBy(nameof(a))]
                private int x;

                public void Either(bool first)
                {
                    lock (first ? a : b)
                    {
                        {|KD205:x|}++;
                    }
                }
            }
            """);

        [Fact]
        public Task PerInstanceLockDoesNotCoverAnotherInstanceExceptItsOwn() => Verify.VerifyAnalyzerAsync("""
            sealed class Node
            {
                private readonly object gate = new();

                [GuardedBy(nameof(gate))]
                private int value;

                public void Copy(Node other)
                {
                    int v;
                    lock (other.gate)
                        v = other.value;
                    lock (gate)
                        value = v;
                }
            }
            """);

        [Fact]
        public Task RuntimeLocksModesAndStatics() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("table_sem", LockKind.Sleeping, 0)]
            [assembly: LockClassDeclaration("registry", LockKind.Spinning, 0)]

            sealed class Table
            {
                private static readonly TicketLock registryLock = new(LockClass.Declare("registry", LockKind.Spinning, 0));

                [GuardedBy(nameof(registryLock))]
                private static int tables;

                private readonly RwSemaphore sem = new(LockClass.Declare("table_sem", LockKind.Sleeping, 0));
                private readonly KernelMutex mutex = new(LockClass.Declare("table_sem", LockKind.Sleeping, 0));

                [GuardedBy(nameof(sem))]
                private int entries;

                [GuardedBy(nameof(mutex))]
                private int owners;

                public static void Register()
                {
                    registryLock.Lock();
                    tables++;
                    registryLock.Unlock();
                }

                public int Read()
                {
                    sem.DownRead();
                    int n = entries;
                    sem.UpRead();
                    return n;
                }

                public void Write()
                {
                    using (sem.WriteScope())
                        entries++;
                }

                public int Guard()
                {
                    using var guard = sem.ReadScope();
                    return entries;
                }

                public void Own()
                {
                    using (mutex.LockScope())
                        owners++;
                }

                public bool TryOwn()
                {
                    if (!mutex.TryLock())
                        return false;
                    owners = 1;
                    mutex.Unlock();
                    return true;
                }
            }
            """);

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

                public async Task AwaitUnderTheSemaphore()
                {
                    await mutex.WaitAsync();
                    try
                    {
                        a++;
                        await Task.Yield(); // awaiting while holding it is a SemaphoreSlim's purpose
                        a++;
                    }
                    finally
                    {
                        mutex.Release();
                    }
                }

                public async Task<bool> TimedAsync()
                {
                    if (!await mutex.WaitAsync(100))
                        return false;
                    a = 0;
                    mutex.Release();
                    return true;
                }

                public int Read()
                {
                    rw.EnterReadLock();
                    try
                    {
                        return b;
                    }
                    finally
                    {
                        rw.ExitReadLock();
                    }
                }

                public void Upgrade()
                {
                    rw.EnterUpgradeableReadLock();
                    try
                    {
                        if (b > 0)
                            return;
                        rw.EnterWriteLock();
                        b = 1;
                        rw.ExitWriteLock();
                        int seen = b;
                    }
                    finally
                    {
                        rw.ExitUpgradeableReadLock();
                    }
                }

                public void Spin()
                {
                    bool taken = false;
                    try
                    {
                        spin.Enter(ref taken);
                        c++;
                    }
                    finally
                    {
                        if (taken)
                            spin.Exit();
                    }
                }

                public void Owned()
                {
                    named.WaitOne();
                    d++;
                    named.ReleaseMutex();
                }
            }
            """);

        [Fact]
        public Task PointeesAndFreeReferences() => Verify.VerifyAnalyzerAsync("""
            sealed class Buffers
            {
                private readonly object gate = new();

                [PtGuardedBy(nameof(gate))]
                private readonly int[] data = new int[16];

                public int Size() => data.Length;

                public int[] Reference() => data;

                public int Element(int i)
                {
                    lock (gate)
                        return data[i];
                }

                public void SetElement(int i)
                {
                    lock (gate)
                        data[i] = 1;
                }
            }
            """);

        [Fact]
        public Task SystemThreadingLock() => Verify.VerifyAnalyzerAsync("""
            sealed class Modern
            {
                private readonly System.Threading.Lock gate = new();

                [GuardedBy(nameof(gate))]
                private int count;

                public void Statement()
                {
                    lock (gate)
                        count++;
                }

                public void Scope()
                {
                    using (gate.EnterScope())
                        count++;
                }

                public void EnterExit()
                {
                    gate.Enter();
                    try
                    {
                        count++;
                    }
                    finally
                    {
                        gate.Exit();
                    }
                }
            }
            """, null, TestProject.RunningFrameworkReferences);

        [Fact]
        public Task APtlGuardsWhatItsMapHolds() => Verify.VerifyAnalyzerAsync("""
            static class Install
            {
                [MustHold("pte.Ptl")]
                static void SetEntry(PteMap pte, ulong address, Pte entry) => pte.Write(address, entry);

                static int Run(Pmd pmd, ulong address, Pte entry)
                {
                    var pte = pmd.MapLock(address);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    SetEntry(pte, address, entry);
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task TheOwnerItselfIsTheLock() => Verify.VerifyAnalyzerAsync("""
            sealed class Page
            {
                [GuardedBy("this")]
                private int flags;

                public void Set(int value)
                {
                    lock (this)
                        flags = value;
                }

                [MustHold("this")]
                public void SetLocked(int value) => flags = value;

                public int Get(Page other)
                {
                    lock (other)
                        return other.flags;
                }

                public static void Through(Page page)
                {
                    lock (page)
                        page.SetLocked(1);
                }
            }
            """);

        [Fact]
        public Task AnAssertionHoldsOnEveryPathAfterIt() => Verify.VerifyAnalyzerAsync("""
            sealed class Retry
            {
                private readonly object gate = new();
                private readonly System.Action take;
                private readonly System.Action give;

                [GuardedBy(nameof(gate))]
                private int turns;

                public Retry(System.Action take, System.Action give)
                {
                    this.take = take;
                    this.give = give;
                }

                public void Loop(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        take(); // takes gate in a way the analysis does not follow
                        Lockdep.AssertHeld(gate);
                        turns++;
                        give();
                    }
                }
            }

            sealed class Versioned
            {
                private readonly RwSemaphore sem = new(LockClass.Declare("versioned", LockKind.Sleeping, 0));

                [GuardedBy(nameof(sem))]
                private int version;

                [MustHold(nameof(sem), Shared = true)]
                public int Bump()
                {
                    Lockdep.AssertHeld(sem); // held for read by contract, for write by assertion
                    return ++version;
                }
            }
            """);
    }
}
