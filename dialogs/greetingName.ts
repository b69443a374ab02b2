/**
 * The name a welcome addresses the customer by: the first word of their display name, when it reads as a name.
 * A channel's display name is the sender's to choose ("<img src=x …>" was once greeted as "Hi <img!"): a word with
 * markup or no letter at all is no name to say back, and the welcome goes without one.
 */
export function greetingName(displayName: string | undefined): string | undefined {
  const first = displayName?.trim().split(/\s+/)[0];
  if (!first || !/\p{L}/u.test(first) || /[<>{}[\]\\/=@#*_`|~^$%&]/.test(first)) return undefined;
  return first;
}
