using System;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>Mirrors the Runtime's ChargeSuccess: which results of a charging call mean the charge was taken.</summary>
    internal enum ChargeWhen
    {
        Always = 0,
        ZeroResult = 1,
        PositiveResult = 2,
    }

    /// <summary>A [Charges] declaration: the resource, when it is taken, and the undo the fix calls.</summary>
    internal sealed class ChargeSpec
    {
        public ChargeSpec(string resource, ChargeWhen when, string? undo)
        {
            Resource = resource;
            When = when;
            Undo = undo;
        }

        public string Resource { get; }

        public ChargeWhen When { get; }

        public string? Undo { get; }
    }
}
