using System.Threading.Tasks;
using KernelDiscipline.Analyzers.Tests.Verifiers;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary><c>lock</c> statements of consumer classes that opt in with [LockClass] take part in the order.</summary>
    public class LockStatementTests
    {
        [Fact]
        public Task LockOnAnOptedInObjectIsALockOfItsClass() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("cache_lock", LockKind.Sleeping, 150)] // between i_rwsem and mmap_lock

            sealed class Cache
            {
                [LockClass("cache_lock")]
                private readonly object gate = new object();
                private readonly object plain = new object();

                public void InOrder(MmStruct mm)
                {
                    lock (gate)
                    {
                        mm.MmapLock.DownRead();
                        mm.MmapLock.UpRead();
                    }
                }

                public void OutOfOrder(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    lock ({|KD201:gate|})
                    {
                    }
                    mm.MmapLock.UpRead();
                }

                public void UnderASpinlock(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    lock ({|KD203:gate|})
                    {
                    }
                    ptl.Unlock();
                }

                public int EarlyReturnInsideIsBalanced(MmStruct mm, ulong addr)
                {
                    lock (gate)
                    {
                        mm.MmapLock.DownRead();
                        var vma = mm.FindVma(addr);
                        mm.MmapLock.UpRead();
                        if (vma is null)
                            return -Errno.EFAULT;
                        return 0;
                    }
                }

                public void NotOptedIn(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    lock (plain)
                    {
                    }
                    ptl.Unlock();
                }
            }
            """);

        [Fact]
        public Task SystemThreadingLockCallsOptInToo() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("table_lock", LockKind.Sleeping, 150)]

            sealed class Table
            {
                [LockClass("table_lock")]
                private readonly System.Threading.Lock gate = new System.Threading.Lock();

                public void InOrder(MmStruct mm)
                {
                    gate.Enter();
                    mm.MmapLock.DownRead();
                    mm.MmapLock.UpRead();
                    gate.Exit();
                }

                public void UnderASpinlock(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    {|KD203:gate.Enter()|};
                    gate.Exit();
                    ptl.Unlock();
                }

                public void Forgot(MmStruct mm, bool fail)
                {
                    {|KD204:gate.Enter()|};
                    if (fail)
                        return;
                    gate.Exit();
                }
            }
            """, null, TestProject.RunningFrameworkReferences);

        [Fact]
        public Task MonitorAndThreadingLockAreReentrant() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("buffer_lock", LockKind.Sleeping, 150)]

            sealed class Buffer
            {
                [LockClass("buffer_lock")]
                private readonly object buffer = new object();
                [LockClass("buffer_lock")]
                private readonly System.Threading.Lock table = new System.Threading.Lock();
                private int count;

                // Re-entering a monitor the thread holds is legal in .NET: directly, and through a helper.
                public void Outer()
                {
                    lock (buffer)
                    {
                        lock (buffer)
                        {
                            count++;
                        }

                        Add();
                    }
                }

                private void Add()
                {
                    lock (buffer)
                    {
                        count++;
                    }
                }

                public void Explicit()
                {
                    System.Threading.Monitor.Enter(buffer);
                    System.Threading.Monitor.Enter(buffer);
                    count++;
                    System.Threading.Monitor.Exit(buffer);
                    count++;
                    System.Threading.Monitor.Exit(buffer);
                }

                public void ThreadingLockTwice()
                {
                    table.Enter();
                    table.Enter();
                    table.Exit();
                    table.Exit();
                }

                // Released once more than taken: still unbalanced.
                public void ExitedTooOften()
                {
                    System.Threading.Monitor.Enter(buffer);
                    System.Threading.Monitor.Exit(buffer);
                    {|KD204:System.Threading.Monitor.Exit(buffer)|};
                }

                // Still held at the end after two entries and one exit.
                public void ExitedTooRarely()
                {
                    {|KD204:System.Threading.Monitor.Enter(buffer)|};
                    System.Threading.Monitor.Enter(buffer);
                    System.Threading.Monitor.Exit(buffer);
                }
            }
            """, null, TestProject.RunningFrameworkReferences);

        [Fact]
        public Task BreakOutOfALockInATryWithACatchThenALockInFinally() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("queue_lock", LockKind.Sleeping, 150)]

            sealed class Queue
            {
                [LockClass("queue_lock")]
                private readonly object gate = new object();
                private int pending;

                public void Drain(Func<int, bool> step)
                {
                    while (true)
                    {
                        try
                        {
                            lock (gate)
                            {
                                if (pending == 0)
                                    break;
                                pending--;
                            }

                            step(pending);
                        }
                        catch (InvalidOperationException)
                        {
                            pending = 0;
                        }
                        finally
                        {
                            lock (gate)
                            {
                                pending = Math.Max(pending, 0);
                            }
                        }
                    }
                }
            }
            """);

        [Fact]
        public Task LockStatementOnASystemThreadingLockIsSeenFromTheSyntax() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("table_lock", LockKind.Sleeping, 150)]
            [assembly: LockClassDeclaration("spin_table", LockKind.Spinning, 860)]

            sealed class Table
            {
                [LockClass("table_lock")]
                private readonly System.Threading.Lock gate = new System.Threading.Lock();
                [LockClass("spin_table")]
                private readonly System.Threading.Lock spin = new System.Threading.Lock();
                private int count;

                public void InOrder(MmStruct mm)
                {
                    lock (gate)
                    {
                        mm.MmapLock.DownRead();
                        mm.MmapLock.UpRead();
                    }
                }

                public void OutOfOrder(MmStruct mm)
                {
                    mm.MmapLock.DownRead();
                    lock ({|KD201:gate|})
                    {
                        count++;
                    }

                    mm.MmapLock.UpRead();
                }

                public void UnderASpinlock(Pmd pmd)
                {
                    var ptl = pmd.Lock();
                    lock ({|KD203:gate|})
                    {
                    }

                    ptl.Unlock();
                }

                public void SleepInsideASpinningOne(Folio folio)
                {
                    lock (spin)
                    {
                        {|KD203:folio.Lock()|};
                        folio.Unlock();
                    }

                    folio.Lock(); // released when the statement ends
                    folio.Unlock();
                }

                public int ReturnInside(bool early)
                {
                    lock (gate)
                    {
                        if (early)
                            return 1;
                        count++;
                    }

                    return 0;
                }

                public void BreakOut(int[] items)
                {
                    foreach (var item in items)
                    {
                        lock (gate)
                        {
                            if (item < 0)
                                break;
                            count += item;
                        }
                    }
                }

                public void Nested()
                {
                    lock (gate)
                    {
                        lock (gate)
                        {
                            count++;
                        }
                    }
                }
            }
            """, null, TestProject.RunningFrameworkReferences);
    }
}
