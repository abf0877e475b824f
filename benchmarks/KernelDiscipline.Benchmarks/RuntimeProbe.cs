using System;
using System.Diagnostics;
using KernelDiscipline.Runtime;

namespace KernelDiscipline.Benchmarks;

/// <summary>
/// A quick look at lockdep's price per pair, for iterating on the hot path: lockdep off and on alternate eight times,
/// and each figure is the best round of all (the least disturbed by the rest of the machine). Both modes share one
/// process here, so tiered PGO sees both: the figures of record (the runtime section) run each mode in its own.
/// </summary>
internal static class RuntimeProbe
{
    public static void Run()
    {
        var pairs = new LockPairs();
        var best = new double[2, 2];
        for (int i = 0; i < 2; i++)
        {
            best[i, 0] = best[i, 1] = double.MaxValue;
        }

        for (int alternation = 0; alternation < 16; alternation++)
        {
            int on = alternation % 2;
            pairs.LockdepOn = on == 1;
            pairs.Setup();
            best[on, 0] = Math.Min(best[on, 0], Best(pairs.TicketLockPair));
            best[on, 1] = Math.Min(best[on, 1], Best(pairs.MapLockUnlock));
            pairs.Cleanup();
        }

        for (int on = 0; on < 2; on++)
        {
            Console.WriteLine($"lockdep {(on == 1 ? "on " : "off")}: TicketLock pair {best[on, 0]:F1} ns, MapLock+Unlock {best[on, 1]:F1} ns");
        }

        Console.WriteLine($"on ÷ off: TicketLock pair {best[1, 0] / best[0, 0]:F2}×, MapLock+Unlock {best[1, 1] / best[0, 1]:F2}×");
    }

    private static double Best(Action pair)
    {
        const int Count = 1_000_000;
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < Count; i++)
            {
                pair();
            }

            best = Math.Min(best, clock.Elapsed.TotalMilliseconds * 1e6 / Count);
        }

        return best;
    }
}
