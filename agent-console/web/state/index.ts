/**
 * The console's state, by area: core (signals and shared helpers), inbox, chat, customer, transcript, session.
 * Components import from here.
 */
export * from './core';
export * from './customer';
export * from './transcript';
export * from './inbox';
export * from './chat';
export * from './session';
