using System;
using System.Diagnostics;
using KernelDiscipline.Runtime;

namespace KernelDiscipline.Benchmarks;

/// <summary>A quick look at lockdep's price per pair (best of five rounds of a tight loop), for iterating on the hot path.</summary>
internal static class RuntimeProbe
{
    public static void Run()
    {
        var pairs = new LockPairs();
        foreach (bool on in new[] { false, true, false, true })
        {
            pairs.LockdepOn = on;
            pairs.Setup();
            double ticket = Best(pairs.TicketLockPair);
            double map = Best(pairs.MapLockUnlock);
            pairs.Cleanup();
            Console.WriteLine($"lockdep {(on ? "on " : "off")}: TicketLock pair {ticket:F1} ns, MapLock+Unlock {map:F1} ns");
        }
    }

    private static double Best(Action pair)
    {
        const int Count = 2_000_000;
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
