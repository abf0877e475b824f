using Microsoft.CodeAnalysis.FlowAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// One table of the facts at a point: a small domain of its own. A new kind of fact is one such type and one line in
    /// <see cref="FlowFacts"/>' list of tables; the engine copies, joins and forgets every table through this.
    /// </summary>
    internal interface IFactTable<T>
        where T : struct, IFactTable<T>
    {
        /// <summary>Makes this table equal to <paramref name="from"/> (maps are shared until one side writes).</summary>
        void CopyFrom(in T from);

        /// <summary>Joins the paths <paramref name="other"/> stands for into this; true when anything changed.</summary>
        bool JoinWith(in T other);

        /// <summary>A branch leaves <paramref name="region"/>: its locals and flow captures are gone.</summary>
        void Forget(ControlFlowRegion region);

        /// <summary>What is known of variables that are dead here (no later read): nothing can ask for it any more.</summary>
        void ForgetDead(DeadVariables dead);
    }

    /// <summary>An operation applied to every table of two facts (see FlowFacts.Each): no per-table code in FlowFacts.</summary>
    internal interface ITableOperation
    {
        void Apply<T>(ref T mine, in T theirs)
            where T : struct, IFactTable<T>;
    }
}
