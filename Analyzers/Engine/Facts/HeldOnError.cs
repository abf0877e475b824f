using System;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// KD302: the charges (on objects, and carried by returned objects) held on some path where one local holds an error.
    /// A label that joins an error path with a success path loses which value the local has, not what that error path
    /// still held. Immutable: copies share it.
    /// </summary>
    internal readonly struct HeldOnError : IEquatable<HeldOnError>
    {
        public HeldOnError(SiteSet sites, ChargeKey[]? charges)
        {
            Sites = sites;
            Charges = charges;
        }

        /// <summary>Acquisition sites whose returned object carries a charge.</summary>
        public SiteSet Sites { get; }

        /// <summary>Charges on objects; null when none.</summary>
        public ChargeKey[]? Charges { get; }

        public bool IsEmpty => Sites.IsEmpty && Charges is null;

        public bool Contains(ChargeKey key) => Charges != null && Array.IndexOf(Charges, key) >= 0;

        public HeldOnError With(ChargeKey key)
        {
            if (Contains(key))
            {
                return this;
            }

            var charges = new ChargeKey[(Charges?.Length ?? 0) + 1];
            Charges?.CopyTo(charges, 0);
            charges[charges.Length - 1] = key;
            return new HeldOnError(Sites, charges);
        }

        public HeldOnError With(int site) => Sites.Contains(site) ? this : new HeldOnError(Sites.Union(SiteSet.Of(site)), Charges);

        public HeldOnError Without(ChargeKey key)
        {
            if (!Contains(key))
            {
                return this;
            }

            if (Charges!.Length == 1)
            {
                return new HeldOnError(Sites, null);
            }

            var charges = new ChargeKey[Charges.Length - 1];
            int next = 0;
            foreach (var charge in Charges)
            {
                if (!charge.Equals(key))
                {
                    charges[next++] = charge;
                }
            }

            return new HeldOnError(Sites, charges);
        }

        public HeldOnError Without(int site) => Sites.Contains(site) ? new HeldOnError(Sites.Without(site), Charges) : this;

        /// <summary>Held on an error path of either side.</summary>
        public HeldOnError Union(HeldOnError other)
        {
            var result = new HeldOnError(Sites.Union(other.Sites), Charges);
            if (other.Charges != null)
            {
                foreach (var key in other.Charges)
                {
                    result = result.With(key);
                }
            }

            return result;
        }

        public bool Equals(HeldOnError other)
        {
            if (!Sites.Equals(other.Sites) || (Charges?.Length ?? 0) != (other.Charges?.Length ?? 0))
            {
                return false;
            }

            if (Charges != null)
            {
                foreach (var key in Charges)
                {
                    if (!other.Contains(key))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is HeldOnError other && Equals(other);

        public override int GetHashCode() => Sites.GetHashCode();
    }
}
