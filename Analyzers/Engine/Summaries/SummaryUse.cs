using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What one body's analysis read of its callees' summaries: how deep they went, and whether the bound cut one.</summary>
    internal sealed class SummaryUse
    {
        /// <summary>The most levels any callee's summary needed (0: none was read).</summary>
        public int Levels { get; private set; }

        public bool Cut { get; set; }

        public void Note(int levels, bool cut)
        {
            Levels = System.Math.Max(Levels, levels);
            Cut |= cut;
        }
    }
}
